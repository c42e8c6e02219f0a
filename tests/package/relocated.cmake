# SPDX-License-Identifier: BSD-3-Clause
# An installed adonis works from a copy of its prefix, without the source tree or the build
# tree: cmake -DPREFIX=<installed prefix> -DWORK=<scratch dir> -P relocated.cmake
#
# The installed tree is copied to WORK/moved (so no path compiled into the program, nor the
# original prefix, can be what it uses), then WORK/moved/bin/adonis runs from another working
# directory with ADONIS_DATA_DIR and ADONIS_GRAPHS_DIR unset: `--version` must report the
# datasets and graphs next to the program (WORK/moved/share/adonis/...), which the lookup tries
# before the source tree compiled in; then commands that read a shipped dataset (heart_scale)
# and a shipped graph (karate), and `rates --quick` (the README's smoke run, under a second).
foreach(_v PREFIX WORK)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "relocated.cmake: -D${_v}=... is required")
  endif()
endforeach()

# The install: program, datasets and graphs with their provenance, license, CMake package.
foreach(_f bin/adonis share/adonis/data/PROVENANCE.md share/adonis/data/heart_scale
           share/adonis/data/breast_cancer.csv share/adonis/data/longley.csv share/adonis/data/digits.csv
           share/adonis/graphs/PROVENANCE.md share/adonis/graphs/karate.edges
           share/doc/adonis/LICENSE share/cmake/adonis/adonisConfig.cmake include/adonis/adonis.hpp)
  if(NOT EXISTS "${PREFIX}/${_f}")
    message(FATAL_ERROR "relocated.cmake: the install lacks ${_f} (under ${PREFIX})")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/moved" "${WORK}/cwd")
file(COPY "${PREFIX}/" DESTINATION "${WORK}/moved")  # keeps the permissions
set(_moved "${WORK}/moved")

function(run_adonis out)
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env --unset=ADONIS_DATA_DIR --unset=ADONIS_GRAPHS_DIR
            "${_moved}/bin/adonis" ${ARGN}
    WORKING_DIRECTORY "${WORK}/cwd"
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "adonis ${ARGN}: exit status ${_rc}\n${_out}\n${_err}")
  endif()
  set(${out} "${_out}" PARENT_SCOPE)
endfunction()

run_adonis(_version --version)
message(STATUS "adonis --version:\n${_version}")
foreach(_kind "datasets: ${_moved}/share/adonis/data" "graphs:   ${_moved}/share/adonis/graphs")
  string(FIND "${_version}" "${_kind} (next to the program ${_moved}/bin/adonis)" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "the copied install does not read its own data: expected '${_kind} (next to the program ...)'")
  endif()
endforeach()

run_adonis(_problem problem-info --problem logistic:heart_scale:0.01 --nodes 4)
if(NOT _problem MATCHES "samples +270\n")
  message(FATAL_ERROR "problem-info on heart_scale: expected 270 samples\n${_problem}")
endif()
run_adonis(_graph graph-info --graph karate)
if(NOT _graph MATCHES "nodes +34\n" OR NOT _graph MATCHES "edges +78\n")
  message(FATAL_ERROR "graph-info on karate: expected 34 nodes and 78 edges\n${_graph}")
endif()
run_adonis(_rates rates --quick)
if(NOT _rates MATCHES "\\| karate \\|")
  message(FATAL_ERROR "rates --quick: no karate row\n${_rates}")
endif()
message(STATUS "the copied install at ${_moved} ran from ${WORK}/cwd with its own data")
