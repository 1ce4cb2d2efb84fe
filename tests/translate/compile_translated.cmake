# cmake -DTRANSLATOR=… -DCXX=… -DSOURCE=x.cu -DOUTPUT=x.cu.cpp -DFLAGS="-I…|-D…" -P compile_translated.cmake
#
# Translates SOURCE with the translator, then checks the result with `CXX -std=c++20 -fsyntax-only` and the
# project's warnings as errors: translated code must compile warning-free, since the CI build uses -Werror.
foreach(var IN ITEMS TRANSLATOR CXX SOURCE OUTPUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "compile_translated.cmake: ${var} is not set")
  endif()
endforeach()

string(REPLACE "|" ";" FLAGS "${FLAGS}")  # '|'-separated on the command line, so ctest passes one argument
list(REMOVE_ITEM FLAGS "")

execute_process(COMMAND "${TRANSLATOR}" "${SOURCE}" -o "${OUTPUT}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the translator failed on ${SOURCE}")
endif()

execute_process(
  COMMAND "${CXX}" -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
          -Werror ${FLAGS} "${OUTPUT}"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "the translation of ${SOURCE} (${OUTPUT}) does not compile")
endif()
message(STATUS "${SOURCE}: translated and compiled")
