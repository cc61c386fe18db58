# The client side of virtual channels (issue 5): sources of libwtsapi32 that host Windows-style
# plug-ins (VirtualChannelInit/Open/Close/Write, the plug-in test host), and the FreeRDP client
# bridge addin. Included by the top CMakeLists.txt before libwtsapi32 is defined.
set(OPENWTS_VC_CLIENT_SOURCES src/vchannel/client_api.c)
