# make install: the systemd unit with the paths of this prefix, the settings
# file (never over an existing one), the manual page and the documentation
# (README.md and the docs/ it links to, so its links work where it is installed).
# Run by `cmake --install`, which gives CMAKE_INSTALL_PREFIX and honours DESTDIR.
set(prefix "${CMAKE_INSTALL_PREFIX}")
# /usr is the system's: settings in /etc, units where Debian 12 keeps them
if(prefix STREQUAL "/usr")
  set(sysconfdir "/etc")
  set(unitdir "/lib/systemd/system")
else()
  set(sysconfdir "${prefix}/etc")
  set(unitdir "${prefix}/lib/systemd/system")
endif()

file(READ "${CASHDRAWERD_SOURCE}/packaging/systemd/cashdrawerd.service" unit)
string(REPLACE "/usr/bin/cashdrawerd" "${prefix}/bin/cashdrawerd" unit "${unit}")
string(REPLACE "/etc/cashdrawerd/" "${sysconfdir}/cashdrawerd/" unit "${unit}")
string(REPLACE "/usr/share/doc/cashdrawerd/" "${prefix}/share/doc/cashdrawerd/" unit "${unit}")
file(WRITE "${CASHDRAWERD_BINARY}/install/cashdrawerd.service" "${unit}")
file(INSTALL "${CASHDRAWERD_BINARY}/install/cashdrawerd.service" DESTINATION "${unitdir}"
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

if(NOT EXISTS "$ENV{DESTDIR}${sysconfdir}/cashdrawerd/cashdrawerd.ini")
  file(INSTALL "${CASHDRAWERD_SOURCE}/packaging/linux/cashdrawerd.ini"
       DESTINATION "${sysconfdir}/cashdrawerd"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endif()
file(INSTALL "${CASHDRAWERD_SOURCE}/packaging/linux/cashdrawerd.1"
     DESTINATION "${prefix}/share/man/man1"
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(INSTALL "${CASHDRAWERD_SOURCE}/README.md" "${CASHDRAWERD_SOURCE}/LICENSE"
     DESTINATION "${prefix}/share/doc/cashdrawerd"
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(GLOB docs "${CASHDRAWERD_SOURCE}/docs/*.md" "${CASHDRAWERD_SOURCE}/docs/*.png")
file(INSTALL ${docs} DESTINATION "${prefix}/share/doc/cashdrawerd/docs"
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
