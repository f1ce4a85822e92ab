//===- SgqCommand.h - motec sgq ---------------------------------*- C++ -*-===//

#ifndef MOTE_DRIVER_SGQCOMMAND_H
#define MOTE_DRIVER_SGQCOMMAND_H

namespace mote {

/// Whether the command line selected `motec sgq`.
bool sgqCommandSelected();
/// Runs `motec sgq encode|decode`; returns the exit code.
int runSgqCommand();

} // namespace mote

#endif // MOTE_DRIVER_SGQCOMMAND_H
