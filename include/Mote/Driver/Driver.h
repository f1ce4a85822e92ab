//===- Driver.h - The motec command line ------------------------*- C++ -*-===//

#ifndef MOTE_DRIVER_DRIVER_H
#define MOTE_DRIVER_DRIVER_H

namespace mote {

/// Runs the `motec` command line; returns the process exit code.
int motecMain(int argc, char **argv);

} // namespace mote

#endif // MOTE_DRIVER_DRIVER_H
