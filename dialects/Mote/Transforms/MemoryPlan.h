//===- MemoryPlan.h - Static arena planning ---------------------*- C++ -*-===//
//
// Plans one arena for the intermediate tensors of a single-block function of
// Mote ops: liveness over the op order, aliases (reshape, storage casts) and
// in-place updates share a buffer, and buffers are placed greedily by size
// (largest first, lowest offset that does not overlap a buffer live at the
// same time). Constants live in flash; the function's inputs and results are
// caller buffers.
//
//===----------------------------------------------------------------------===//

#ifndef MOTE_TRANSFORMS_MEMORYPLAN_H
#define MOTE_TRANSFORMS_MEMORYPLAN_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace mote {

struct ArenaBuffer {
  /// Bytes the buffer needs.
  int64_t bytes = 0;
  /// First and last op index (in the function's order) the buffer is live.
  int64_t start = 0, end = 0;
  /// Offset in the arena.
  int64_t offset = 0;
};

struct MemoryPlan {
  llvm::SmallVector<ArenaBuffer> buffers;
  /// Buffer of each value stored in the arena.
  llvm::DenseMap<mlir::Value, unsigned> bufferOf;
  /// Scratch buffer of each op that asked for one (live during the op only).
  llvm::DenseMap<mlir::Operation *, unsigned> scratchOf;
  /// Bytes of the arena.
  int64_t arenaBytes = 0;
  /// The largest sum of the buffers live at any one op: no plan of these
  /// buffers can be smaller.
  int64_t lowerBound = 0;
};

/// Returns the bytes a tensor of `type` occupies.
int64_t getTensorBytes(mlir::Type type);

/// Plans the arena of `func`, whose body must be a single block. Offsets
/// are multiples of `alignment`. `scratchBytes`, if given, says how many
/// bytes of scratch memory an op's kernel needs while it runs; those
/// buffers are planned with the rest.
mlir::FailureOr<MemoryPlan>
planMemory(mlir::func::FuncOp func, int64_t alignment = 16,
           llvm::function_ref<int64_t(mlir::Operation *)> scratchBytes = {});

/// Records `plan` on `func` as attributes, the form the lowering reads and
/// reports print: on each op, `mote.arena_offsets` (per result, -1 for a
/// result outside the arena), `mote.scratch` (offset and bytes of its
/// kernel's work space) and, on Mote ops, `mote.arena_live` (the bytes of
/// the arena in use while it runs); on the function, `mote.arena_bytes` and
/// `mote.arena_lower_bound`.
void writeMemoryPlan(mlir::func::FuncOp func, const MemoryPlan &plan);

/// The plan `writeMemoryPlan` recorded on `func` (offsets and sizes; no
/// lifetimes); fails, naming the function, if it has none.
mlir::FailureOr<MemoryPlan> readMemoryPlan(mlir::func::FuncOp func);

} // namespace mote

#endif // MOTE_TRANSFORMS_MEMORYPLAN_H
