//===- MemoryPlan.cpp - Static arena planning -----------------------------===//

#include "Mote/Transforms/MemoryPlan.h"
#include "Mote/IR/MoteOps.h"
#include "Mote/IR/QuantUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mote;

int64_t mote::getTensorBytes(Type type) {
  auto shaped = cast<ShapedType>(type);
  Type element = shaped.getElementType();
  if (auto q = dyn_cast<quant::QuantizedType>(element))
    element = q.getStorageType();
  int64_t bits = element.getIntOrFloatBitWidth();
  return shaped.getNumElements() * ((bits + 7) / 8);
}

/// Returns the operand whose buffer `op`'s result may reuse: views
/// (reshape, storage cast) always alias their input; element-wise ops may
/// overwrite an input of the same size that dies at them.
static SmallVector<Value, 2> reuseCandidates(Operation *op) {
  if (isa<ReshapeOp, quant::StorageCastOp>(op))
    return {op->getOperand(0)};
  if (auto inPlace = dyn_cast<InPlaceOpInterface>(op))
    return inPlace.getInPlaceOperands();
  return {};
}

static bool isView(Operation *op) {
  return isa<ReshapeOp, quant::StorageCastOp>(op);
}

static int64_t alignTo(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

FailureOr<MemoryPlan>
mote::planMemory(func::FuncOp func, int64_t alignment,
                 function_ref<int64_t(Operation *)> scratchBytes) {
  if (!func.getBody().hasOneBlock())
    return func.emitOpError("memory planning expects a single block");
  Block &block = func.getBody().front();
  MemoryPlan plan;

  DenseMap<Operation *, int64_t> index;
  for (auto [i, op] : llvm::enumerate(block))
    index[&op] = i;
  auto lastUse = [&](Value v) {
    int64_t last = v.getDefiningOp() ? index.lookup(v.getDefiningOp()) : 0;
    for (Operation *user : v.getUsers())
      last = std::max(last, index.lookup(user));
    return last;
  };
  // Values that end up in caller buffers: the function's results.
  Operation *terminator = block.getTerminator();
  llvm::SmallPtrSet<Value, 4> returned(terminator->getOperands().begin(),
                                       terminator->getOperands().end());
  // Members of each buffer, to know when all of them are dead.
  SmallVector<SmallVector<Value>> members;

  for (Operation &op : block) {
    // State reads are views of the model's state, not arena tensors.
    if (&op == terminator || isa<ml_program::GlobalLoadOp>(op))
      continue;
    for (Value result : op.getResults()) {
      if (!isa<RankedTensorType>(result.getType()) ||
          matchPattern(result, m_Constant()))
        continue;
      // Storage casts of constants stay constants (flash).
      if (isView(&op) && matchPattern(op.getOperand(0), m_Constant()))
        continue;
      if (isView(&op) && !plan.bufferOf.count(op.getOperand(0)))
        continue; // A view of a caller buffer.
      if (returned.contains(result) && !isView(&op))
        continue; // Written straight into the caller's output buffer.

      int64_t at = index[&op];
      int64_t bytes = getTensorBytes(result.getType());
      std::optional<unsigned> reused;
      for (Value candidate : cast<OpResult>(result).getResultNumber() == 0
                                 ? reuseCandidates(&op)
                                 : SmallVector<Value, 2>()) {
        auto it = plan.bufferOf.find(candidate);
        if (it == plan.bufferOf.end() ||
            plan.buffers[it->second].bytes != bytes)
          continue;
        bool dies =
            isView(&op) || llvm::all_of(members[it->second], [&](Value v) {
              return lastUse(v) <= at && !returned.contains(v);
            });
        if (dies) {
          reused = it->second;
          break;
        }
      }
      if (!reused) {
        reused = plan.buffers.size();
        plan.buffers.push_back({bytes, at, at, 0});
        members.emplace_back();
      }
      plan.bufferOf[result] = *reused;
      members[*reused].push_back(result);
    }
  }

  for (auto [id, buffer] : llvm::enumerate(plan.buffers))
    for (Value v : members[id])
      buffer.end = std::max(buffer.end, lastUse(v));

  if (scratchBytes)
    for (Operation &op : block)
      if (int64_t bytes = scratchBytes(&op); bytes > 0) {
        plan.scratchOf[&op] = plan.buffers.size();
        plan.buffers.push_back({bytes, index[&op], index[&op], 0});
      }

  // The lower bound: the most bytes live at one op.
  for (int64_t t = 0, e = block.getOperations().size(); t < e; ++t) {
    int64_t live = 0;
    for (const ArenaBuffer &b : plan.buffers)
      if (b.start <= t && t <= b.end)
        live += b.bytes;
    plan.lowerBound = std::max(plan.lowerBound, live);
  }

  // Place the buffers with a few orders and keep the smallest arena: each
  // order puts every buffer at the lowest offset that does not overlap a
  // placed buffer whose lifetime meets its own. Largest-first suits
  // branching graphs, earliest-first (a linear scan) suits chains.
  auto byKey = [&](auto key) {
    SmallVector<unsigned> order(plan.buffers.size());
    for (unsigned i = 0; i < order.size(); ++i)
      order[i] = i;
    llvm::sort(order, [&](unsigned a, unsigned b) {
      return std::make_pair(key(plan.buffers[a]), a) <
             std::make_pair(key(plan.buffers[b]), b);
    });
    return order;
  };
  SmallVector<SmallVector<unsigned>> orders = {
      byKey([](const ArenaBuffer &b) { return -b.bytes; }),
      byKey([](const ArenaBuffer &b) { return b.start; }),
      byKey([](const ArenaBuffer &b) { return -(b.end - b.start); }),
      byKey([](const ArenaBuffer &b) {
        return -b.bytes * (b.end - b.start + 1);
      }),
  };
  plan.arenaBytes = -1;
  for (ArrayRef<unsigned> order : orders) {
    SmallVector<int64_t> offsets(plan.buffers.size(), 0);
    SmallVector<unsigned> placed;
    int64_t arena = 0;
    for (unsigned id : order) {
      const ArenaBuffer &buffer = plan.buffers[id];
      SmallVector<std::pair<int64_t, int64_t>> busy;
      for (unsigned other : placed) {
        const ArenaBuffer &o = plan.buffers[other];
        if (o.start <= buffer.end && buffer.start <= o.end)
          busy.push_back({offsets[other], offsets[other] + o.bytes});
      }
      llvm::sort(busy);
      int64_t offset = 0;
      for (auto [begin, end] : busy) {
        if (offset + buffer.bytes <= begin)
          break;
        offset = std::max(offset, alignTo(end, alignment));
      }
      offsets[id] = offset;
      arena = std::max(arena, alignTo(offset + buffer.bytes, alignment));
      placed.push_back(id);
    }
    if (plan.arenaBytes < 0 || arena < plan.arenaBytes) {
      plan.arenaBytes = arena;
      for (auto [id, buffer] : llvm::enumerate(plan.buffers))
        buffer.offset = offsets[id];
    }
  }
  plan.arenaBytes = std::max<int64_t>(plan.arenaBytes, 0);
  return plan;
}

void mote::writeMemoryPlan(func::FuncOp func, const MemoryPlan &plan) {
  Builder b(func.getContext());
  Block &block = func.getBody().front();
  for (auto [at, op] : llvm::enumerate(block)) {
    SmallVector<int64_t> offsets;
    bool planned = false;
    for (Value result : op.getResults()) {
      auto it = plan.bufferOf.find(result);
      planned |= it != plan.bufferOf.end();
      offsets.push_back(
          it == plan.bufferOf.end() ? -1 : plan.buffers[it->second].offset);
    }
    if (planned)
      op.setAttr("mote.arena_offsets", b.getDenseI64ArrayAttr(offsets));
    if (auto it = plan.scratchOf.find(&op); it != plan.scratchOf.end()) {
      const ArenaBuffer &scratch = plan.buffers[it->second];
      op.setAttr("mote.scratch",
                 b.getDenseI64ArrayAttr({scratch.offset, scratch.bytes}));
    }
    if (!isa<MoteDialect>(op.getDialect()))
      continue;
    int64_t live = 0;
    for (const ArenaBuffer &buffer : plan.buffers)
      if (buffer.start <= static_cast<int64_t>(at) &&
          static_cast<int64_t>(at) <= buffer.end)
        live += buffer.bytes;
    op.setAttr("mote.arena_live", b.getI64IntegerAttr(live));
  }
  func->setAttr("mote.arena_bytes", b.getI64IntegerAttr(plan.arenaBytes));
  func->setAttr("mote.arena_lower_bound", b.getI64IntegerAttr(plan.lowerBound));
}

FailureOr<MemoryPlan> mote::readMemoryPlan(func::FuncOp func) {
  auto bytes = func->getAttrOfType<IntegerAttr>("mote.arena_bytes");
  auto bound = func->getAttrOfType<IntegerAttr>("mote.arena_lower_bound");
  if (!bytes || !bound || !func.getBody().hasOneBlock())
    return func.emitOpError("has no memory plan (run mote-plan-memory)");
  MemoryPlan plan;
  plan.arenaBytes = bytes.getInt();
  plan.lowerBound = bound.getInt();
  for (Operation &op : func.getBody().front()) {
    if (auto offsets =
            op.getAttrOfType<DenseI64ArrayAttr>("mote.arena_offsets")) {
      if (offsets.size() != static_cast<int64_t>(op.getNumResults()))
        return op.emitOpError("has ") << offsets.size() << " arena offsets for "
                                      << op.getNumResults() << " results";
      for (auto [result, offset] :
           llvm::zip(op.getResults(), offsets.asArrayRef())) {
        if (offset < 0)
          continue;
        plan.bufferOf[result] = plan.buffers.size();
        plan.buffers.push_back(
            {getTensorBytes(result.getType()), 0, 0, offset});
      }
    }
    if (auto scratch = op.getAttrOfType<DenseI64ArrayAttr>("mote.scratch")) {
      if (scratch.size() != 2)
        return op.emitOpError("has a malformed mote.scratch");
      plan.scratchOf[&op] = plan.buffers.size();
      plan.buffers.push_back({scratch[1], 0, 0, scratch[0]});
    }
  }
  for (const ArenaBuffer &buffer : plan.buffers)
    if (buffer.offset < 0 || buffer.offset + buffer.bytes > plan.arenaBytes)
      return func.emitOpError(
          "has a memory plan whose buffers leave its arena");
  return plan;
}
