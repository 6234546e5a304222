# Install the library, its public headers and a package config, so that
# find_package(relayload) + target_link_libraries(x relayload::relayload) works.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS relayload EXPORT relayload-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/relayload DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
set(_cfgdir ${CMAKE_INSTALL_LIBDIR}/cmake/relayload)
install(EXPORT relayload-targets NAMESPACE relayload:: DESTINATION ${_cfgdir})
configure_package_config_file(cmake/relayload-config.cmake.in
  ${PROJECT_BINARY_DIR}/relayload-config.cmake INSTALL_DESTINATION ${_cfgdir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/relayload-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/relayload-config.cmake
              ${PROJECT_BINARY_DIR}/relayload-config-version.cmake
              cmake/FindAsio.cmake cmake/FindSodium.cmake cmake/FindSecp256k1.cmake
        DESTINATION ${_cfgdir})
if(TARGET relayload-cli)
  install(TARGETS relayload-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
