# SPDX-License-Identifier: BSD-3-Clause
# CPack: `cpack -G DEB` in the build directory writes adonis_<version>_<arch>.deb, one package
# holding everything `cmake --install` puts under the prefix (/usr): the program, the shipped
# datasets and graphs (/usr/share/adonis), the headers and the CMake package.
#
# Dependencies (README.md, "Installing"):
#   Depends     the shared libraries the program links (Boost.Graph, Open MPI, libstdc++, ...),
#               computed by dpkg-shlibdeps when it is available (package dpkg-dev), else the
#               Debian 12 names listed below;
#   Recommends  gnuplot (rendered plots: rates --out) and openmpi-bin (mpirun, run --backend mpi);
#   Suggests    the -dev packages a C++ user of the headers needs (find_package(adonis) looks for
#               them): the program does not need them, and pulling ~1 GB of Boost and Open MPI
#               headers into every install of the program would be the wrong default.
set(CPACK_PACKAGE_NAME "adonis")
set(CPACK_PACKAGE_VENDOR "adonis")
set(CPACK_PACKAGE_CONTACT "adonis <adonis@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "adonis")
set(CPACK_GENERATOR "DEB")
set(CPACK_SOURCE_GENERATOR "")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # adonis_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# The first line of the Description field is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the body.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "The adonis program (rates, run, graph-info, problem-info), its shipped datasets\nand graphs under /usr/share/adonis, and the header-only C++20 library with its\nCMake package (find_package(adonis)).")
find_program(ADONIS_DPKG_SHLIBDEPS dpkg-shlibdeps)
mark_as_advanced(ADONIS_DPKG_SHLIBDEPS)
if(ADONIS_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(_adonis_deb_depends "libc6, libstdc++6, libgcc-s1, libboost-graph1.74.0")
  if(ADONIS_WITH_MPI)
    string(APPEND _adonis_deb_depends ", libopenmpi3")
  endif()
  if(ADONIS_WITH_CHOLMOD)
    string(APPEND _adonis_deb_depends ", libcholmod3")
  endif()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_adonis_deb_depends}")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnuplot-nox | gnuplot")
if(ADONIS_WITH_MPI)
  string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS ", openmpi-bin")
endif()
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "cmake, g++ (>= 4:12), libeigen3-dev (>= 3.4), libspectra-dev (>= 1.0), libboost-graph-dev (>= 1.74)")
if(ADONIS_WITH_MPI)
  string(APPEND CPACK_DEBIAN_PACKAGE_SUGGESTS ", libopenmpi-dev")
endif()
if(ADONIS_WITH_CHOLMOD)  # CHOLMOD factorises ~4x faster with OpenBLAS than with the reference BLAS
  string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS ", libopenblas0-pthread | libopenblas0")
  string(APPEND CPACK_DEBIAN_PACKAGE_SUGGESTS ", libsuitesparse-dev")
endif()

include(CPack)
