# The client side of virtual channels (issue 5): sources of libwtsapi32 that host Windows-style
# plug-ins (VirtualChannelInit/Open/Close/Write, the OpenWTSPluginHost* host), and the FreeRDP
# client bridge addin. Included by the top CMakeLists.txt before libwtsapi32 is defined.
set(OPENWTS_VC_CLIENT_SOURCES
  src/vchannel/vc_core.c src/vchannel/client_api.c src/vchannel/plugin_host.c
  src/vchannel/plugin_load.c)

# --- the FreeRDP client bridge: libopenwts-client.so in FreeRDP's addin directory ---------------
# xfreerdp /vc:openwts,/path/plugin.so[,/path/other.so] loads it; it loads the Windows plug-ins
# through libwtsapi32's plug-in host (docs/internals/client-channels.md).
pkg_check_modules(FREERDP_CLIENT REQUIRED IMPORTED_TARGET freerdp2>=2.11)
pkg_get_variable(OPENWTS_FREERDP_LIBDIR freerdp2 libdir)
set(OPENWTS_FREERDP_ADDIN_DIR "${OPENWTS_FREERDP_LIBDIR}/freerdp2" CACHE PATH
    "FreeRDP's client addin directory (where xfreerdp looks for lib<name>-client.so)")
add_library(openwts_bridge MODULE src/vchannel/bridge/bridge.c)
target_link_libraries(openwts_bridge PRIVATE wtsapi32 PkgConfig::FREERDP_CLIENT)
set_target_properties(openwts_bridge PROPERTIES
  OUTPUT_NAME openwts-client PREFIX lib C_VISIBILITY_PRESET hidden)
# FreeRDP's addin directory is outside the install prefix. An install to the configured prefix
# puts the bridge there (xfreerdp loads addins from nowhere else); an install to another prefix
# (cmake --install --prefix DIR, a staging tree) keeps everything inside DIR: the bridge goes to
# DIR/<libdir>/freerdp2. DESTDIR is honoured either way (file(INSTALL)).
install(CODE "
  set(_addin_dir \"${OPENWTS_FREERDP_ADDIN_DIR}\")
  if(NOT CMAKE_INSTALL_PREFIX STREQUAL \"${CMAKE_INSTALL_PREFIX}\")
    set(_addin_dir \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/freerdp2\")
  endif()
  file(INSTALL DESTINATION \"\${_addin_dir}\" TYPE MODULE FILES \"$<TARGET_FILE:openwts_bridge>\")
")

# --- openwts-plugin: installs a plain VirtualChannelEntry plug-in under FreeRDP's naming ------
configure_file(tools/openwts-plugin.in ${CMAKE_BINARY_DIR}/openwts-plugin @ONLY
               FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                WORLD_READ WORLD_EXECUTE)
install(PROGRAMS ${CMAKE_BINARY_DIR}/openwts-plugin DESTINATION ${CMAKE_INSTALL_BINDIR})
