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

# Man pages: one scdoc source each, rendered at build time: man/*.scd, and the pages that integrations keep beside
# their source (integrations/pacemaker/ocf_cloudvip_aws-vpc-move-ip.7.scd, generated from the agent's meta-data).
find_program(SCDOC_PROGRAM scdoc REQUIRED)
file(GLOB MAN_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/man/*.scd ${CMAKE_SOURCE_DIR}/integrations/*/*.scd)
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
    file(INSTALL \"${CMAKE_SOURCE_DIR}/dist/cloudvip.toml\" DESTINATION \"${CLOUDVIP_CONFIG_DIR}\"
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  endif()")

# systemd unit and bash completion. ExecStart names the installed cloudvip, so the unit is written at install
# time, from the prefix in force then (`cmake --install --prefix`, as `make install PREFIX=...` does).
install(CODE "
  set(CLOUDVIP_SBIN \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_SBINDIR}\")
  configure_file(\"${CMAKE_SOURCE_DIR}/dist/systemd/cloudvip.service.in\" \"${CMAKE_BINARY_DIR}/cloudvip.service\" @ONLY)")
install(FILES ${CMAKE_BINARY_DIR}/cloudvip.service DESTINATION ${CLOUDVIP_UNIT_DIR})
install(FILES ${CMAKE_SOURCE_DIR}/dist/bash-completion/cloudvip ${CMAKE_SOURCE_DIR}/dist/bash-completion/cloudvip-sim
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

# Documentation: the operator's pages with the tool (every docs/*.md but the simulator's, which goes with the
# simulator, and architecture.md, which is for developers), and the scenarios the simulator needs to start.
file(GLOB OPERATOR_DOCS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/*.md)
list(FILTER OPERATOR_DOCS EXCLUDE REGEX "/(simulator|architecture)\\.md$")
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${OPERATOR_DOCS} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/cloudvip)
install(FILES ${CMAKE_SOURCE_DIR}/docs/simulator.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/cloudvip-sim)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/sim/scenarios DESTINATION ${CMAKE_INSTALL_DATADIR}/cloudvip-sim
        FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# Integrations. The OCF agents of integrations/pacemaker/ (today aws-vpc-move-ip, from the Pacemaker work) go
# where Pacemaker looks, whenever the tree has them; everything else under integrations/ is data under
# /usr/share/cloudvip/INTEGRATION/, as in the tree (IRIS routines, keepalived recipe, dashboards), except
# what is only for building (man page sources, their generators). Scripts keep their executable bit, so a
# recipe can call e.g. /usr/share/cloudvip/keepalived/cloudvip-keepalived where it stands.
set(CLOUDVIP_OCF_AGENT_NAMES aws-vpc-move-ip)
foreach(name ${CLOUDVIP_OCF_AGENT_NAMES})
  if(EXISTS ${CMAKE_SOURCE_DIR}/integrations/pacemaker/${name})
    install(PROGRAMS ${CMAKE_SOURCE_DIR}/integrations/pacemaker/${name} DESTINATION ${CLOUDVIP_OCF_DIR})
  endif()
endforeach()
string(REPLACE ";" "|" agent_names "${CLOUDVIP_OCF_AGENT_NAMES}")
file(GLOB_RECURSE INTEGRATION_FILES CONFIGURE_DEPENDS RELATIVE ${CMAKE_SOURCE_DIR}/integrations
     ${CMAKE_SOURCE_DIR}/integrations/*)
list(FILTER INTEGRATION_FILES EXCLUDE REGEX "(\\.scd|^pacemaker/metadata-to-scdoc\\.py|^pacemaker/(${agent_names}))$")
foreach(file ${INTEGRATION_FILES})
  get_filename_component(subdir ${file} DIRECTORY)
  # 0755 or 0644 by the executable bit alone, whatever the checkout's umask made of the rest.
  execute_process(COMMAND test -x ${CMAKE_SOURCE_DIR}/integrations/${file} RESULT_VARIABLE not_executable)
  if(not_executable EQUAL 0)
    install(PROGRAMS ${CMAKE_SOURCE_DIR}/integrations/${file} DESTINATION ${CLOUDVIP_DATA_DIR}/${subdir})
  else()
    install(FILES ${CMAKE_SOURCE_DIR}/integrations/${file} DESTINATION ${CLOUDVIP_DATA_DIR}/${subdir})
  endif()
endforeach()
