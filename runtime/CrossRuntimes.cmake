# libkiln_rt.a for every cross target kiln supports, built with clang-19
# --target=<triple> against Debian's cross sysroots (libc6-dev-*-cross) and,
# for bare metal, newlib's headers. Each lands in <build>/lib/<target>/ where
# `kiln compile --target <target>` finds it (bin/../lib/<target>), so users
# never build the runtime by hand. A target whose sysroot is not installed is
# skipped with a message; kiln then says which package to install.
#
# Bare-metal builds define KILN_RT_NO_THREADS and KILN_RT_NO_HEAP: no
# pthreads (kiln_parallel_for runs serially), no malloc.

find_program(KILN_CROSS_CC NAMES clang-19 clang)
find_program(KILN_CROSS_AR NAMES llvm-ar-19 llvm-ar)
find_program(KILN_CROSS_SIZE NAMES llvm-size-19 llvm-size)

# The host library's sources, so the two never drift apart.
get_target_property(KILN_CROSS_RUNTIME_SOURCES kiln_rt SOURCES)
set(KILN_CROSS_RUNTIME_HEADERS include/kiln_rt.h context_internal.h)
set(KILN_BAREMETAL_INCLUDE /usr/lib/arm-none-eabi/include)

# kiln_add_cross_runtime(<target> <header to probe> <flags>...)
function(kiln_add_cross_runtime target probe)
  if(NOT EXISTS ${probe})
    message(STATUS "kiln: no runtime for ${target} (${probe} missing; run scripts/install-deps.sh)")
    return()
  endif()
  set(objdir ${CMAKE_CURRENT_BINARY_DIR}/cross/${target})
  set(library ${PROJECT_BINARY_DIR}/lib/${target}/libkiln_rt.a)
  set(objects)
  foreach(source ${KILN_CROSS_RUNTIME_SOURCES})
    get_filename_component(stem ${source} NAME_WE)
    set(object ${objdir}/${stem}.o)
    add_custom_command(
      OUTPUT ${object}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${objdir}
      COMMAND ${KILN_CROSS_CC} ${ARGN} -std=gnu11 -Os -ffunction-sections -fdata-sections
              -Wall -I${CMAKE_CURRENT_SOURCE_DIR}/include
              -c ${CMAKE_CURRENT_SOURCE_DIR}/${source} -o ${object}
      DEPENDS ${source} ${KILN_CROSS_RUNTIME_HEADERS}
      COMMENT "Building the kiln runtime for ${target}: ${source}"
      VERBATIM)
    list(APPEND objects ${object})
  endforeach()
  add_custom_command(
    OUTPUT ${library}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/lib/${target}
    COMMAND ${CMAKE_COMMAND} -E rm -f ${library}
    COMMAND ${KILN_CROSS_AR} rcs ${library} ${objects}
    DEPENDS ${objects}
    COMMENT "Archiving lib/${target}/libkiln_rt.a"
    VERBATIM)
  add_custom_target(kiln_rt_${target} DEPENDS ${library})
  add_dependencies(kiln_cross_runtimes kiln_rt_${target})
  install(FILES ${library} DESTINATION lib/${target})
endfunction()

# The runner (--emit=runner) and bare-metal start-up sources, compiled by kiln
# for the target at compile time: <build>/share/kiln, like an install.
foreach(file runner/kiln_runner.h runner/kiln_runner.c runner/io_hosted.c
             baremetal/semihost.c baremetal/startup.c baremetal/cortex-m-sections.ld
             baremetal/mps2.ld baremetal/mps3-an547.ld)
  configure_file(${file} ${PROJECT_BINARY_DIR}/share/kiln/${file} COPYONLY)
  get_filename_component(directory ${file} DIRECTORY)
  install(FILES ${file} DESTINATION share/kiln/${directory})
endforeach()

add_custom_target(kiln_cross_runtimes ALL)
if(NOT KILN_CROSS_CC OR NOT KILN_CROSS_AR)
  message(STATUS "kiln: clang-19/llvm-ar-19 not found; no cross runtimes")
  return()
endif()

# Linux targets: position-independent (PIE executables and shared objects),
# the baseline ISA of each Debian port so one library serves every board.
kiln_add_cross_runtime(aarch64-linux-gnu /usr/aarch64-linux-gnu/include/pthread.h
  --target=aarch64-linux-gnu -fPIC)
kiln_add_cross_runtime(armv7a-linux-gnueabihf /usr/arm-linux-gnueabihf/include/pthread.h
  --target=armv7a-linux-gnueabihf -march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard -fPIC)
kiln_add_cross_runtime(riscv64-linux-gnu /usr/riscv64-linux-gnu/include/pthread.h
  --target=riscv64-linux-gnu -march=rv64gc -mabi=lp64d -fPIC)
# Bare metal: the least capable FPU of each family (an M7 links the M4 build).
kiln_add_cross_runtime(thumbv7em-none-eabihf ${KILN_BAREMETAL_INCLUDE}/stdint.h
  --target=thumbv7em-none-eabihf -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard
  -fshort-enums -DKILN_RT_NO_THREADS -DKILN_RT_NO_HEAP -isystem ${KILN_BAREMETAL_INCLUDE})
kiln_add_cross_runtime(thumbv8m.main-none-eabihf ${KILN_BAREMETAL_INCLUDE}/stdint.h
  --target=thumbv8m.main-none-eabihf -mcpu=cortex-m33 -mfpu=fpv5-sp-d16 -mfloat-abi=hard
  -fshort-enums -DKILN_RT_NO_THREADS -DKILN_RT_NO_HEAP -isystem ${KILN_BAREMETAL_INCLUDE})

