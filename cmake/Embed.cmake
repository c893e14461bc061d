# prefectd_embed_sql(<target> <dialect directory>)
# Compiles every .sql file under the dialect directory into <target> as a
# table of (relative path, text), so a plugin carries its SQL with it and
# reads it through backends/common/embedded_sql.h.
function(prefectd_embed_sql target sql_dir)
  file(GLOB_RECURSE sql_files CONFIGURE_DEPENDS "${sql_dir}/*.sql")
  list(SORT sql_files)
  set(output "${CMAKE_CURRENT_BINARY_DIR}/${target}_embedded_sql.cpp")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND "${CMAKE_COMMAND}" -DSQL_DIR=${sql_dir} -DOUTPUT=${output}
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_sql_files.cmake"
    DEPENDS ${sql_files} "${PROJECT_SOURCE_DIR}/cmake/embed_sql_files.cmake"
    COMMENT "Embedding SQL of ${sql_dir}")
  target_sources(${target} PRIVATE "${output}")
endfunction()

# prefectd_embed_text(<target> <file> <namespace> <function>)
# Compiles one text file into <target> as `std::string_view <function>()`.
function(prefectd_embed_text target input namespace function)
  get_filename_component(stem "${input}" NAME_WE)
  set(output "${CMAKE_CURRENT_BINARY_DIR}/${stem}_embedded.cpp")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND "${CMAKE_COMMAND}" -DINPUT=${input} -DOUTPUT=${output}
            -DNAMESPACE=${namespace} -DFUNCTION=${function}
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_text_file.cmake"
    DEPENDS "${input}" "${PROJECT_SOURCE_DIR}/cmake/embed_text_file.cmake"
    COMMENT "Embedding ${input}")
  target_sources(${target} PRIVATE "${output}")
  # -Wpedantic flags literals over 64 KiB, which GCC and Clang take in stride.
  set_source_files_properties("${output}" PROPERTIES COMPILE_OPTIONS "-Wno-overlength-strings")
endfunction()
