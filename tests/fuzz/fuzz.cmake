# Fuzzing (README, Fuzzing): one harness per parser the project owns, in
# tests/fuzz/NAME.c, seeds in tests/fuzz/corpus/NAME/, crashes found and
# fixed in tests/fuzz/regressions/NAME/.
# With CASHDRAWERD_FUZZ (clang): libFuzzer binaries with ASan and UBSan, the
# code under test compiled again with coverage; ctest fuzzes each for
# FUZZ_TEST_SECONDS and replays its regressions. `make fuzz` runs them longer.
# Without it: each harness with replay.c, and ctest replays the seeds and the
# regressions through it (the gcc build).
set(FUZZ_HARNESSES access cidr config_cli config_file escpos_status jsonrpc logs_query origin
  printer_uri receipt sim_control sim_decode)
set(FUZZ_TEST_SECONDS 8 CACHE STRING "Seconds each fuzz harness runs in ctest (CASHDRAWERD_FUZZ)")
set(FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)
set(FUZZ_EXTRA_config_cli tests/fuzz/config_check.c)
set(FUZZ_EXTRA_config_file tests/fuzz/config_check.c)
# the HTTPS handshake, with a certificate from our authority code (GnuTLS)
if(CASHDRAWERD_TLS)
  list(APPEND FUZZ_HARNESSES tls_handshake)
  # (files_posix.c: what tls_setup_files writes with, linked though unused)
  set(FUZZ_EXTRA_tls_handshake src/tls/authority.c src/tls/files_posix.c)
  set(FUZZ_LIBS_tls_handshake PkgConfig::GNUTLS)
endif()

if(CASHDRAWERD_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CASHDRAWERD_FUZZ needs clang's libFuzzer: configure with -DCMAKE_C_COMPILER=clang")
  endif()
  set(fuzz_flags -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  # The code under test again, with the coverage libFuzzer steers by (the
  # libraries the daemon and the unit tests link stay as they are).
  foreach(lib cashdrawerd_core cashdrawerd_receipt escpos_sim_core)
    get_target_property(sources ${lib} SOURCES)
    get_target_property(includes ${lib} INCLUDE_DIRECTORIES)
    get_target_property(definitions ${lib} COMPILE_DEFINITIONS)
    get_target_property(libraries ${lib} LINK_LIBRARIES)
    add_library(${lib}_fuzz STATIC ${sources})
    target_include_directories(${lib}_fuzz PUBLIC ${includes})
    if(definitions)
      target_compile_definitions(${lib}_fuzz PUBLIC ${definitions})
    endif()
    if(libraries)
      target_link_libraries(${lib}_fuzz PUBLIC ${libraries})
    endif()
    target_compile_options(${lib}_fuzz PRIVATE ${fuzz_flags} -fsanitize=fuzzer-no-link)
  endforeach()
endif()

foreach(name ${FUZZ_HARNESSES})
  add_executable(fuzz_${name} tests/fuzz/${name}.c ${FUZZ_EXTRA_${name}})
  target_include_directories(fuzz_${name} PRIVATE tests/fuzz src)
  target_link_libraries(fuzz_${name} PRIVATE ${FUZZ_LIBS_${name}})
  set(regressions ${FUZZ_DIR}/regressions/${name})
  if(CASHDRAWERD_FUZZ)
    target_compile_options(fuzz_${name} PRIVATE ${fuzz_flags} -fsanitize=fuzzer)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(fuzz_${name} PRIVATE cashdrawerd_core_fuzz cashdrawerd_receipt_fuzz
      escpos_sim_core_fuzz)
    add_test(NAME fuzz_${name}
      COMMAND ${FUZZ_DIR}/run-fuzz.sh ${CMAKE_BINARY_DIR} ${FUZZ_TEST_SECONDS} ${name})
    math(EXPR timeout "${FUZZ_TEST_SECONDS} + 120")
    set_tests_properties(fuzz_${name} PROPERTIES LABELS fuzz TIMEOUT ${timeout})
    # libFuzzer runs each file given once and stops
    file(GLOB inputs ${regressions}/*)
    if(inputs)
      add_test(NAME fuzz_regressions_${name} COMMAND fuzz_${name} ${inputs})
      set_tests_properties(fuzz_regressions_${name} PROPERTIES LABELS fuzz)
    endif()
  else()
    target_sources(fuzz_${name} PRIVATE tests/fuzz/replay.c)
    target_link_libraries(fuzz_${name} PRIVATE cashdrawerd_core cashdrawerd_receipt escpos_sim_core)
    set(inputs ${FUZZ_DIR}/corpus/${name})
    if(EXISTS ${regressions})
      list(APPEND inputs ${regressions})
    endif()
    add_test(NAME fuzz_replay_${name} COMMAND fuzz_${name} ${inputs})
    set_tests_properties(fuzz_replay_${name} PROPERTIES LABELS fuzz)
  endif()
endforeach()
