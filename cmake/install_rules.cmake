# What `make install` (cmake --install) and the Debian packages install: one list for both. debian/rules runs
# dh's cmake buildsystem, whose dh_auto_install runs these same rules into debian/tmp; debian/*.install then
# only split that tree between the packages (and dh_missing fails the build if a file is left over).
#
# Paths are relative to CMAKE_INSTALL_PREFIX (default /usr, set by the Makefile and by dh) except three that the
# programs and the tools around them look up at fixed places whatever the prefix:
#   CLOUDVIP_CONFIG_DIR   /etc/cloudvip: `cloudvip` reads /etc/cloudvip/cloudvip.toml (vip/config.h)
#   CLOUDVIP_OCF_DIR      /usr/lib/ocf/resource.d/cloudvip: crm_resource finds agents only under /usr/lib/ocf
#   CLOUDVIP_UNIT_DIR     systemd's unit directory (pkg-config systemd; /lib/systemd/system on Debian 12, the
#                         only one bookworm's dh_installsystemd picks up)
include(GNUInstallDirs)

set(CLOUDVIP_CONFIG_DIR "/etc/cloudvip" CACHE PATH "where the example cloudvip.toml goes")
set(CLOUDVIP_OCF_DIR "/usr/lib/ocf/resource.d/cloudvip" CACHE PATH "where the OCF resource agents go")
pkg_get_variable(SYSTEMD_UNIT_DIR_FROM_PC systemd systemdsystemunitdir)
if(SYSTEMD_UNIT_DIR_FROM_PC)
  set(default_unit_dir "${SYSTEMD_UNIT_DIR_FROM_PC}")
else()
  set(default_unit_dir "/lib/systemd/system")
endif()
set(CLOUDVIP_UNIT_DIR "${default_unit_dir}" CACHE PATH "where cloudvip.service goes")
set(CLOUDVIP_DATA_DIR "${CMAKE_INSTALL_DATADIR}/cloudvip")

# The programs. cloudvip acts on the host's network (section 8, sbin); cloudvip-sim is a user's tool.
install(TARGETS cloudvip RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS cloudvip-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Man pages: one scdoc source each (man/*.scd), rendered at build time.
find_program(SCDOC_PROGRAM scdoc REQUIRED)
file(GLOB MAN_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/man/*.scd)
set(MAN_PAGES)
foreach(source ${MAN_SOURCES})
  get_filename_component(page ${source} NAME_WLE)  # cloudvip.8
  string(REGEX MATCH "[0-9]$" section ${page})
  set(out ${CMAKE_BINARY_DIR}/man/${page})
  add_custom_command(OUTPUT ${out} COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
                     COMMAND sh -c "'${SCDOC_PROGRAM}' < '${source}' > '${out}.tmp' && mv '${out}.tmp' '${out}'"
                     DEPENDS ${source} COMMENT "scdoc ${page}" VERBATIM)
  list(APPEND MAN_PAGES ${out})
  install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(man ALL DEPENDS ${MAN_PAGES})

# The example configuration. Installed only where none exists, so `make install` over a configured host keeps
# the operator's file (the Debian package marks it a conffile: dpkg asks before replacing an edited one).
install(CODE "
  set(dest \"\$ENV{DESTDIR}${CLOUDVIP_CONFIG_DIR}/cloudvip.toml\")
  if(EXISTS \"\${dest}\")
    message(STATUS \"Keeping: \${dest} (exists; the example is ${CMAKE_SOURCE_DIR}/dist/cloudvip.toml)\")
  else()
    file(INSTALL \"${CMAKE_SOURCE_DIR}/dist/cloudvip.toml\" DESTINATION \"\$ENV{DESTDIR}${CLOUDVIP_CONFIG_DIR}\"
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  endif()")

# systemd unit (ExecStart names the installed cloudvip) and bash completion.
set(CLOUDVIP_SBIN "${CMAKE_INSTALL_FULL_SBINDIR}")
configure_file(${CMAKE_SOURCE_DIR}/dist/systemd/cloudvip.service.in ${CMAKE_BINARY_DIR}/cloudvip.service @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/cloudvip.service DESTINATION ${CLOUDVIP_UNIT_DIR})
install(FILES ${CMAKE_SOURCE_DIR}/dist/bash-completion/cloudvip ${CMAKE_SOURCE_DIR}/dist/bash-completion/cloudvip-sim
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# Documentation: the operator's pages with the tool, the simulator's with the simulator.
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/docs/operations.md ${CMAKE_SOURCE_DIR}/docs/aws-setup.md
              ${CMAKE_SOURCE_DIR}/docs/iris.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/cloudvip)
file(GLOB DAEMON_DOC CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/daemon.md)  # written by the daemon work
if(DAEMON_DOC)
  install(FILES ${DAEMON_DOC} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/cloudvip)
endif()
install(FILES ${CMAKE_SOURCE_DIR}/docs/simulator.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/cloudvip-sim)
# The simulator's worlds: cloudvip-sim needs a scenario to start.
install(DIRECTORY ${CMAKE_SOURCE_DIR}/sim/scenarios DESTINATION ${CMAKE_INSTALL_DATADIR}/cloudvip-sim
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# Integrations: the OCF agents (every executable file of integrations/pacemaker/, today aws-vpc-move-ip, written
# by the Pacemaker work: absent until it lands, and then installed without a change here) go where Pacemaker
# looks; everything else under integrations/ (IRIS routines, recipes, dashboards) is data under
# /usr/share/cloudvip/, kept as in the source tree.
file(GLOB PACEMAKER_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/integrations/pacemaker/*)
set(OCF_AGENTS)
foreach(file ${PACEMAKER_FILES})
  if(NOT IS_DIRECTORY ${file})
    execute_process(COMMAND test -x ${file} RESULT_VARIABLE not_executable)
    if(not_executable EQUAL 0)
      list(APPEND OCF_AGENTS ${file})
    endif()
  endif()
endforeach()
if(OCF_AGENTS)
  install(PROGRAMS ${OCF_AGENTS} DESTINATION ${CLOUDVIP_OCF_DIR})
endif()
set(CLOUDVIP_OCF_AGENTS "${OCF_AGENTS}" CACHE INTERNAL "the OCF agents installed (tests/packaging)")
file(GLOB INTEGRATION_DIRS CONFIGURE_DEPENDS LIST_DIRECTORIES true ${CMAKE_SOURCE_DIR}/integrations/*)
set(excluded_agents)
foreach(agent ${OCF_AGENTS})
  get_filename_component(name ${agent} NAME)
  list(APPEND excluded_agents PATTERN ${name} EXCLUDE)
endforeach()
foreach(dir ${INTEGRATION_DIRS})
  if(IS_DIRECTORY ${dir})
    # Data, not programs: 0644 whatever the source's mode (lintian: executables belong in /usr/lib or bin).
    install(DIRECTORY ${dir} DESTINATION ${CLOUDVIP_DATA_DIR} FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ
            WORLD_READ ${excluded_agents})
  endif()
endforeach()
