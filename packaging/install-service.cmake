# install-service.cmake - run by cmake_install.cmake (install(SCRIPT) in the top-level
# CMakeLists.txt) to put the systemd unit and the service's settings in place.
#
# It runs at install time because the paths inside the unit depend on the prefix
# being installed to *now* (`cmake --install --prefix`, or /usr when cpack builds the
# .deb), not on the prefix the tree was configured with. Absolute destinations go
# through file(INSTALL), which honours DESTDIR, so cpack's staging directory and
# `DESTDIR=... cmake --install` never touch the live system.
#
# Set before this script (install(CODE) in CMakeLists.txt): SND_SOURCE_DIR,
# SND_STAGE_DIR, SND_INSTALL_BINDIR, SND_INSTALL_SYSCONFDIR, SND_SYSTEMD_UNITDIR
# (user setting, may be empty), SND_PC_SYSTEMD_UNITDIR (systemd.pc's, may be empty).

set(_prefix "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/+$" "" _prefix "${_prefix}")

# GNUInstallDirs' rule for the system configuration directory, applied to the
# prefix of this install: /usr -> /etc, anything else -> PREFIX/etc.
if(IS_ABSOLUTE "${SND_INSTALL_SYSCONFDIR}")
  set(_etc "${SND_INSTALL_SYSCONFDIR}")
elseif(_prefix STREQUAL "/usr" OR _prefix STREQUAL "")
  set(_etc "/${SND_INSTALL_SYSCONFDIR}")
else()
  set(_etc "${_prefix}/${SND_INSTALL_SYSCONFDIR}")
endif()

# The unit directory: an explicit SND_SYSTEMD_UNITDIR wins (relative to the
# prefix if relative); installing to /usr uses systemd's own (pkg-config
# systemd --variable=systemdsystemunitdir, /lib/systemd/system on Debian 12);
# anywhere else PREFIX/lib/systemd/system.
if(SND_SYSTEMD_UNITDIR)
  if(IS_ABSOLUTE "${SND_SYSTEMD_UNITDIR}")
    set(_unitdir "${SND_SYSTEMD_UNITDIR}")
  else()
    set(_unitdir "${_prefix}/${SND_SYSTEMD_UNITDIR}")
  endif()
elseif((_prefix STREQUAL "/usr" OR _prefix STREQUAL "") AND SND_PC_SYSTEMD_UNITDIR)
  set(_unitdir "${SND_PC_SYSTEMD_UNITDIR}")
else()
  set(_unitdir "${_prefix}/lib/systemd/system")
endif()

if(IS_ABSOLUTE "${SND_INSTALL_BINDIR}")
  set(SND_BINDIR "${SND_INSTALL_BINDIR}")
else()
  set(SND_BINDIR "${_prefix}/${SND_INSTALL_BINDIR}")
endif()
set(SND_CONFDIR "${_etc}/sounding")
set(SND_ENVFILE "${_etc}/default/sounding-collector")

file(MAKE_DIRECTORY "${SND_STAGE_DIR}")
configure_file("${SND_SOURCE_DIR}/packaging/sounding-collector.service.in"
               "${SND_STAGE_DIR}/sounding-collector.service" @ONLY)
file(INSTALL DESTINATION "${_unitdir}" TYPE FILE
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
     FILES "${SND_STAGE_DIR}/sounding-collector.service")

# The settings file is the administrator's once installed: never overwrite it
# (the .deb marks it as a conffile, so dpkg asks instead).
if(EXISTS "$ENV{DESTDIR}${SND_ENVFILE}")
  message(STATUS "Keeping: $ENV{DESTDIR}${SND_ENVFILE}")
else()
  file(INSTALL DESTINATION "${_etc}/default" TYPE FILE RENAME sounding-collector
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES "${SND_SOURCE_DIR}/packaging/sounding-collector.default")
endif()
# /etc/sounding: forms and keys (systemd also creates it: ConfigurationDirectory=).
file(INSTALL DESTINATION "${_etc}" TYPE DIRECTORY
     DIR_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                     WORLD_READ WORLD_EXECUTE
     FILES "${SND_SOURCE_DIR}/packaging/sounding")
