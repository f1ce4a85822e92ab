/*===- mote_numerics.h - The rounding of int8 requantization -----*- C -*-===*
 *
 * Which of the two integer numerics of docs/Numerics.md the runtime is
 * built with:
 *   0  Mote's: a requantization rounds once (the default, this file);
 *   1  TensorFlow Lite's: a saturating rounding doubling high multiply,
 *      then a rounding right shift (`motec compile --numerics=tflite`, the
 *      default for .tflite models).
 * A package written by motec carries its own copy of this file with the
 * model's choice, so every build of the package (its Makefile, its
 * CMakeLists.txt, or a user's own build) compiles the runtime in the mode
 * the model was compiled for. -DMOTE_NUMERICS_TFLITE=0|1 overrides it.
 *===----------------------------------------------------------------------===*/

#ifndef MOTE_NUMERICS_H
#define MOTE_NUMERICS_H

#ifndef MOTE_NUMERICS_TFLITE
#define MOTE_NUMERICS_TFLITE 0
#endif

#endif /* MOTE_NUMERICS_H */
