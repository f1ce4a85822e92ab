//===- Split.h - Compiling a model split between device and server -*- C++
//-*-===//
//
// `motec compile --split-at=TENSOR --sgq=...`: the model is cut at a named
// tensor (mote-split-at) into the device's forward up to the cut, which
// SGQ-encodes the features, and the server's rest, which starts from the
// decoded features. The channel grouping is computed from the features at
// the cut on the calibration data when there is some (docs/SGQ.md).
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_DRIVER_SPLIT_H
#define MOTE_DRIVER_SPLIT_H

#include "Mote/IR/SgqConfig.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mote {

/// What `--split-at` and `--sgq` ask for.
struct SplitOptions {
  std::string tensor;
  int64_t bits = 4;
  int64_t stripe = 0; ///< 0: 256 / bits.
  int64_t groups = 8;
  std::string rounding = "nearest";
  int64_t groupingId = 1;
  bool embedGrouping = false;
  /// The device forward takes the grouping as arguments (a server's
  /// grouping message replaces the compiled one at run time).
  bool runtimeGrouping = false;
  /// With --train, the device also gets `<f>_device_cut` and
  /// `<f>_device_backward_cut` on the cut's float values (to send them with
  /// another codec).
  bool cutEntries = false;
  /// Samples per packet (stacked on the batch axis of a batch-1 model).
  int64_t samples = 1;
};

/// Parses `--sgq=bits=B,groups=G,stripe=S,rounding=R,grouping_id=I,embed,
/// runtime_grouping,cut_entries,samples=K`.
mlir::FailureOr<SplitOptions> parseSplitOptions(llvm::StringRef tensor,
                                                llvm::StringRef sgq);

/// The two halves of a split model, both at the graph level of the module
/// they were cut from (before mote-graph-pipeline).
struct SplitModel {
  /// `@f_device_forward(inputs..., sequence) -> (packet, packet_bytes)`
  /// under the module attribute `mote.model = "f"`.
  mlir::OwningOpRef<mlir::ModuleOp> device;
  /// `@f(features) -> outputs...`: the rest of the model from the decoded
  /// float features of the cut (the input named after the cut's tensor).
  mlir::OwningOpRef<mlir::ModuleOp> server;
  SgqConfig config;
  /// The cut's type for one sample (float, or per-tensor int8), the samples
  /// of a packet and the packet capacity.
  mlir::RankedTensorType cutType;
  int64_t samples = 1;
  int64_t capacity = 0;
  /// Calibration samples the grouping was computed from (0: equal groups).
  int64_t groupingSamples = 0;
  bool runtimeGrouping = false;
  bool cutEntries = false;
};

/// Cuts the model in `module` (one function; not modified) as `options`
/// say. With `calibrationData`, runs the device half up to the cut on those
/// samples (generated C on the host) and groups the channels from the
/// features (computeSgqGrouping).
mlir::FailureOr<SplitModel> splitModel(mlir::ModuleOp module,
                                       const SplitOptions &options,
                                       llvm::StringRef calibrationData,
                                       llvm::StringRef runtimeDir);

/// The device half as a model of its own, `@f(inputs...) -> features`
/// (the cut, before encoding), for the train pipeline.
mlir::OwningOpRef<mlir::ModuleOp> deviceModelOf(const SplitModel &split);

/// After the train pipeline (autodiff seeded by the output gradient) ran on
/// a deviceModelOf module: `@f` becomes `@f_device_forward(inputs...,
/// sequence) -> (packet, packet_bytes)` and `@f_train_step` becomes
/// `@f_device_backward(inputs..., gradient_packet, gradient_bytes)`, which
/// decodes the server's SGQ packet of the cut's gradient (float, the
/// features' grouping, up to 8 bits at the features' stripe) and runs the
/// step from it. With `cutEntries`, copies of both taken before the codec
/// is added stay as `@f_device_cut(inputs...) -> features` and
/// `@f_device_backward_cut(inputs..., gradient)`.
mlir::LogicalResult finishSplitTraining(mlir::ModuleOp module,
                                        const SplitModel &split);

/// The split as JSON for the server side: the cut (tensor, shape, dtype,
/// quantization), the codec's configuration and grouping, and the files of
/// both halves; with `gradientCapacity` (a device that trains), what the
/// server's gradient packets must be (float, the features' grouping and
/// stripe, at most 8 bits: at most that many bytes).
std::string describeSplit(const SplitModel &split, llvm::StringRef name,
                          const SplitOptions &options,
                          int64_t gradientCapacity = 0);

} // namespace mote

#endif // MOTE_DRIVER_SPLIT_H
