# Debian packages through CPack's DEB generator: one package per install
# component. See packaging/README.md for why CPack and not a debian/ tree.
set(packaging_dir "${CMAKE_CURRENT_LIST_DIR}")

# The ABI version, read from the header so the .pc file cannot drift.
file(STRINGS "${PROJECT_SOURCE_DIR}/plugin-api/include/prefectd/backend.h" abi_lines REGEX "#define PD_ABI_VERSION_M")
string(REGEX MATCH "MAJOR ([0-9]+)" _ "${abi_lines}")
set(PD_ABI_MAJOR "${CMAKE_MATCH_1}")
string(REGEX MATCH "MINOR ([0-9]+)" _ "${abi_lines}")
set(PD_ABI_MINOR "${CMAKE_MATCH_1}")

install(FILES "${packaging_dir}/systemd/prefectd.service" DESTINATION lib/systemd/system COMPONENT server)
install(FILES "${packaging_dir}/prefectd.env" DESTINATION "${CMAKE_INSTALL_FULL_SYSCONFDIR}/prefectd" COMPONENT server)

# The manual page, compressed as Debian wants it (gzip -9 without name or
# timestamp), at build time so an edited page is never shipped stale.
find_program(GZIP_PROGRAM gzip REQUIRED)
set(man_dir "${CMAKE_BINARY_DIR}/man")
add_custom_command(
  OUTPUT "${man_dir}/prefectd.1.gz"
  COMMAND "${CMAKE_COMMAND}" -E copy "${packaging_dir}/prefectd.1" "${man_dir}/prefectd.1"
  COMMAND "${GZIP_PROGRAM}" -9nf "${man_dir}/prefectd.1"
  DEPENDS "${packaging_dir}/prefectd.1"
  VERBATIM)
add_custom_target(prefectd_man_page ALL DEPENDS "${man_dir}/prefectd.1.gz")
install(FILES "${man_dir}/prefectd.1.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" COMPONENT server)

configure_file("${packaging_dir}/prefectd-plugin.pc.in" "${CMAKE_BINARY_DIR}/prefectd-plugin.pc" @ONLY)
# Under the multiarch libdir: the file names the architecture's plugin directory.
install(FILES "${CMAKE_BINARY_DIR}/prefectd-plugin.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig" COMPONENT dev)

# Debian wants a changelog in every package's doc directory.
foreach(component server backend-sqlite backend-postgres dev)
  set(package_of_server prefectd)
  set(package_of_backend-sqlite prefectd-backend-sqlite)
  set(package_of_backend-postgres prefectd-backend-postgresql)
  set(package_of_dev prefectd-dev)
  set(package "${package_of_${component}}")
  set(changelog_dir "${CMAKE_BINARY_DIR}/changelogs/${package}")
  file(MAKE_DIRECTORY "${changelog_dir}")
  string(TIMESTAMP changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
  file(WRITE "${changelog_dir}/changelog.Debian"
       "${package} (${PROJECT_VERSION}-1) unstable; urgency=medium\n\n  * Package built from the prefectd source tree.\n\n -- prefectd maintainers <maintainers@prefectd.invalid>  ${changelog_date}\n")
  file(ARCHIVE_CREATE OUTPUT "${changelog_dir}/changelog.Debian.gz" PATHS "${changelog_dir}/changelog.Debian"
       FORMAT raw COMPRESSION GZip COMPRESSION_LEVEL 9)
  install(FILES "${changelog_dir}/changelog.Debian.gz" DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/${package}"
          COMPONENT ${component})
endforeach()
install(FILES "${PROJECT_SOURCE_DIR}/plugin-api/ABI.md" "${PROJECT_SOURCE_DIR}/plugin-api/SDK.md"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}-dev" COMPONENT dev)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/plugin-api/examples/" DESTINATION "${CMAKE_INSTALL_DOCDIR}-dev/examples"
        COMPONENT dev)

set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server backend-sqlite backend-postgres dev)
set(CPACK_PACKAGE_NAME prefectd)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "prefectd maintainers <maintainers@prefectd.invalid>")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/PrefectHQ/prefect")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_OUTPUT_FILE_PREFIX "${CMAKE_BINARY_DIR}/packages")
set(same_version "${PROJECT_VERSION}-1")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME prefectd)
set(CPACK_COMPONENT_SERVER_DESCRIPTION "Prefect orchestration API server with pluggable database backends
prefectd speaks the Prefect REST API so that Prefect's SDK, workers and UI
run against it unchanged. The database backend is a plugin chosen at run
time by the scheme of PREFECT_SERVER_DATABASE_CONNECTION_URL.")
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "prefectd-backend-sqlite (= ${same_version}), adduser")
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "prefectd-backend-postgresql (= ${same_version})")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${packaging_dir}/maintainer-scripts/postinst;${packaging_dir}/maintainer-scripts/prerm;${packaging_dir}/maintainer-scripts/postrm;${packaging_dir}/maintainer-scripts/conffiles")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_BACKEND-SQLITE_PACKAGE_NAME prefectd-backend-sqlite)
set(CPACK_COMPONENT_BACKEND-SQLITE_DESCRIPTION "SQLite database backend for prefectd
Serves sqlite:// and sqlite+aiosqlite:// database URLs.")
set(CPACK_DEBIAN_BACKEND-POSTGRES_PACKAGE_NAME prefectd-backend-postgresql)
set(CPACK_COMPONENT_BACKEND-POSTGRES_DESCRIPTION "PostgreSQL database backend for prefectd
Serves postgresql://, postgresql+asyncpg:// and postgres:// database URLs.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME prefectd-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DESCRIPTION "SDK for prefectd database backend plugins
The plain C plugin ABI header, a pkg-config file (prefectd-plugin), the ABI
rules and a guide with an example plugin.")

include(CPack)
