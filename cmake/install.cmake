# Installation (issue 7).  cmake --install BUILD [--prefix PREFIX] puts in place:
#   bin/smoothnmf, bin/smoothnmf_demo_map                   the programs
#   lib/libsmoothnmf.a (.so with -DBUILD_SHARED_LIBS=ON)    the library
#   include/smoothnmf.h, include/smoothnmf_io.h             its headers (and include/smoothnmf/private/)
#   lib/cmake/smoothnmf/smoothnmfConfig*.cmake, smoothnmfTargets*.cmake
#                                                           find_package(smoothnmf): smoothnmf::smoothnmf
#   lib/pkgconfig/smoothnmf.pc                              pkg-config --cflags --libs smoothnmf
# Both package files find the prefix from their own location, so the tree can be installed
# anywhere (--prefix at install time) and moved.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The static library is C++ and uses libm: a C application, linked by the C compiler, needs both
# runtimes (a C++ one gets them from its linker anyway).
if(NOT BUILD_SHARED_LIBS)
  target_link_libraries(smoothnmf INTERFACE $<INSTALL_INTERFACE:stdc++> m)
endif()

install(TARGETS smoothnmf EXPORT smoothnmfTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS smoothnmf_cli smoothnmf_demo_map RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES include/smoothnmf.h include/smoothnmf_io.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# the private headers, for implementations of NMF types outside the library (NMFRegister), as PETSc installs petsc/private/
install(DIRECTORY include/smoothnmf DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

# ---- CMake package: smoothnmf::smoothnmf brings in MPI (C), PETSc, SLEPc, parallel HDF5, LAPACK, libmvec
set(SMOOTHNMF_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/smoothnmf)
install(EXPORT smoothnmfTargets NAMESPACE smoothnmf:: DESTINATION ${SMOOTHNMF_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/smoothnmfConfig.cmake.in
  ${PROJECT_BINARY_DIR}/smoothnmfConfig.cmake INSTALL_DESTINATION ${SMOOTHNMF_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/smoothnmfConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/smoothnmfConfig.cmake ${PROJECT_BINARY_DIR}/smoothnmfConfigVersion.cmake
  DESTINATION ${SMOOTHNMF_CMAKE_DIR})

# ---- pkg-config: Requires SLEPc, PETSc and hdf5-openmpi; Libs adds what the library itself links
# (LAPACK, libmvec and, for the static library, the C++ runtime: a C application links it too)
set(SMOOTHNMF_PC_LIBS "")
foreach(lib ${LAPACK_LIBRARIES} ${MVEC_LIBRARY})
  get_filename_component(name ${lib} NAME_WE)
  if(lib MATCHES "^-")
    list(APPEND SMOOTHNMF_PC_LIBS ${lib})
  elseif(name MATCHES "^lib(.+)$")
    list(APPEND SMOOTHNMF_PC_LIBS "-l${CMAKE_MATCH_1}") # by name: no build-machine path
  endif()
endforeach()
if(NOT BUILD_SHARED_LIBS)
  list(APPEND SMOOTHNMF_PC_LIBS -lstdc++ -lm)
endif()
list(REMOVE_DUPLICATES SMOOTHNMF_PC_LIBS)
string(JOIN " " SMOOTHNMF_PC_LIBS ${SMOOTHNMF_PC_LIBS})
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(SMOOTHNMF_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH rel "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
  string(REGEX REPLACE "/$" "" rel "${rel}")
  set(SMOOTHNMF_PC_PREFIX "\${pcfiledir}/${rel}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/smoothnmf.pc.in ${PROJECT_BINARY_DIR}/smoothnmf.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/smoothnmf.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
