# smoothnmf_mpi_test: the one way the suite registers a test that runs under MPI.
#
#   smoothnmf_mpi_test(NAME name COMMAND cmd args...
#                      [NP n1 n2 ...]          one test per rank count, named name_npN, @NP@ in
#                                              COMMAND replaced by N; without NP: one test on
#                                              PROCESSORS ranks (default 1), named name
#                      [PROCESSORS n] [TIMEOUT s] [LABELS l...] [ENVIRONMENT v...]
#                      [FIXTURES_REQUIRED f...] [FIXTURES_SETUP f...] [SKIP_RETURN_CODE c]
#                      [RUN_SERIAL])
#
# Every test gets the MPI environment (root allowed, oversubscription, MPIEXEC), the rank count as
# its PROCESSORS (so ctest -j never oversubscribes the machine), a TIMEOUT (120 s by default) and
# the label of the object it tests (LABELS, by default the folder's name: unit, io, cli, ...).
# the environment of every MPI test (also for the scripts that start mpiexec themselves)
set(MPI_TEST_ENV "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;OMPI_MCA_rmaps_base_oversubscribe=1;MPIEXEC=${MPIEXEC_EXECUTABLE}")

function(smoothnmf_mpi_test)
  cmake_parse_arguments(T "RUN_SERIAL" "NAME;PROCESSORS;TIMEOUT;SKIP_RETURN_CODE" "NP;COMMAND;LABELS;ENVIRONMENT;FIXTURES_REQUIRED;FIXTURES_SETUP" ${ARGN})
  if(NOT T_NAME OR NOT T_COMMAND)
    message(FATAL_ERROR "smoothnmf_mpi_test needs NAME and COMMAND")
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(NOT T_LABELS)
    get_filename_component(T_LABELS ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  endif()
  if(T_NP)
    set(nps ${T_NP})
  elseif(T_PROCESSORS)
    set(nps ${T_PROCESSORS})
  else()
    set(nps 1)
  endif()
  foreach(np ${nps})
    if(T_NP)
      set(name ${T_NAME}_np${np})
    else()
      set(name ${T_NAME})
    endif()
    set(cmd)
    foreach(a ${T_COMMAND})
      string(REPLACE "@NP@" "${np}" a "${a}")
      list(APPEND cmd "${a}")
    endforeach()
    add_test(NAME ${name} COMMAND ${cmd})
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${MPI_TEST_ENV};${T_ENVIRONMENT}" TIMEOUT ${T_TIMEOUT} PROCESSORS ${np} LABELS "${T_LABELS}")
    if(T_FIXTURES_REQUIRED)
      set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES_REQUIRED}")
    endif()
    if(T_FIXTURES_SETUP)
      set_tests_properties(${name} PROPERTIES FIXTURES_SETUP "${T_FIXTURES_SETUP}")
    endif()
    if(DEFINED T_SKIP_RETURN_CODE)
      set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE ${T_SKIP_RETURN_CODE})
    endif()
    if(T_RUN_SERIAL)
      set_tests_properties(${name} PROPERTIES RUN_SERIAL TRUE)
    endif()
  endforeach()
endfunction()
