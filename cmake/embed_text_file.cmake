# Script mode: writes OUTPUT, a C++ source whose function FUNCTION (in
# namespace NAMESPACE) returns the text of INPUT.
file(READ "${INPUT}" text)
string(FIND "${text}" ")prefectd_text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter")
endif()
set(body "// Generated from ${INPUT}; edit that file instead.\n#include <string_view>\n\nnamespace ${NAMESPACE} {\n\nstd::string_view ${FUNCTION}() {\n  static constexpr char kText[] = R\"prefectd_text(${text})prefectd_text\";\n  return {kText, sizeof kText - 1};\n}\n\n}  // namespace ${NAMESPACE}\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
