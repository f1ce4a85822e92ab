# CMake toolchain file: bare-metal Arm Cortex-M with Debian's gcc-arm-none-eabi
# and picolibc (packages gcc-arm-none-eabi, picolibc-arm-none-eabi).
#   cmake -B build -DCMAKE_TOOLCHAIN_FILE=runtime/cmake/arm-none-eabi.cmake
# The CPU flags (-mcpu=..., -mfloat-abi=...) come from the project
# (MOTE_CPU_FLAGS in a generated package).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_AR arm-none-eabi-ar)
# Compiling and linking (CMake links with the C flags) use picolibc.
set(CMAKE_C_FLAGS_INIT "--specs=picolibc.specs")
# No host-runnable test programs when CMake checks the compiler.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
