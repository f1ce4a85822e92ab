//===- PatchInference.cpp - Run a span of layers patch by patch -----------===//
//
// Patch-based inference (MCUNetV2): the span of spatial layers that ends at
// a named tensor is computed one output patch at a time, each patch from
// the input region it needs through every layer of the span (the halo is
// recomputed), so the span's large intermediate activations never exist
// whole: the memory planner sees only per-patch tensors.
//
//===----------------------------------------------------------------------===//

#include "Mote/IR/Locations.h"
#include "Mote/Transforms/MemoryPlan.h"
#include "Mote/Transforms/Passes.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/IRMapping.h"

namespace mote {
#define GEN_PASS_DEF_MOTEPATCHINFERENCE
#include "Mote/Transforms/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

/// A convolution's or pooling's window along one spatial axis.
struct Window {
  int64_t kernel, stride, dilation, padBegin, padEnd;
};

/// The windows (rows, columns) of a spatial op of a span; unary ops have
/// none.
static std::optional<std::array<Window, 2>> windowsOf(Operation *op) {
  auto make = [](ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                 ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads) {
    return std::array<Window, 2>{
        Window{kernel[0], strides[0], dilations[0], pads[0], pads[2]},
        Window{kernel[1], strides[1], dilations[1], pads[1], pads[3]}};
  };
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    auto w = cast<RankedTensorType>(conv.getWeight().getType()).getShape();
    return make(w.drop_front(2), conv.getStrides(), conv.getDilations(),
                conv.getPads());
  }
  if (auto pool = dyn_cast<MaxPool2DOp>(op))
    return make(pool.getKernel(), pool.getStrides(), pool.getDilations(),
                pool.getPads());
  if (auto pool = dyn_cast<AvgPool2DOp>(op)) {
    int64_t unit[] = {1, 1};
    return make(pool.getKernel(), pool.getStrides(), unit, pool.getPads());
  }
  return std::nullopt;
}

bool mote::isPatchTileable(Operation *op) {
  if (op->getNumResults() != 1 || op->getNumOperands() < 1)
    return false;
  auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!in || !out || in.getRank() != 4 || out.getRank() != 4)
    return false;
  if (isa<Conv2DOp, MaxPool2DOp, AvgPool2DOp>(op))
    return true;
  // Element-wise ops of one tensor.
  return isa<ReluOp, ClampOp, SigmoidOp, HardSigmoidOp, HardSwishOp, TanhOp,
             RequantizeOp, QuantizeOp, DequantizeOp>(op) &&
         op->getNumOperands() == 1;
}

FailureOr<PatchSpan> mote::findPatchSpan(func::FuncOp func, StringRef tensor) {
  Value end;
  func.walk([&](Operation *op) {
    if (!end)
      end = getNamedResult(op, tensor);
  });
  if (!end)
    return func.emitError("patch inference: no tensor '")
           << tensor
           << "' (a layer fused with the ones after it keeps the name of "
              "its first node: `motec info` lists the layers' names)";
  PatchSpan span;
  span.output = end;
  Operation *op = end.getDefiningOp();
  if (!isPatchTileable(op))
    return op->emitError("patch inference: tensor '")
           << tensor << "' is computed by '" << op->getName()
           << "', which does not run patch by patch (a span is a chain of "
              "NCHW convolutions, poolings and element-wise activations)";
  // Back through the chain while each value feeds only the next layer.
  while (true) {
    span.ops.insert(span.ops.begin(), op);
    Value input = op->getOperand(0);
    Operation *def = input.getDefiningOp();
    if (!def || !input.hasOneUse() || !isPatchTileable(def)) {
      span.input = input;
      break;
    }
    op = def;
  }
  if (llvm::none_of(span.ops, [](Operation *o) { return windowsOf(o); }))
    return end.getDefiningOp()->emitError("patch inference: the span ending "
                                          "at '")
           << tensor << "' has no convolution or pooling";
  return span;
}

/// Splits [0, size) into `parts` ranges as equal as possible.
static SmallVector<std::pair<int64_t, int64_t>> splitEvenly(int64_t size,
                                                            int64_t parts) {
  SmallVector<std::pair<int64_t, int64_t>> ranges;
  for (int64_t i = 0; i < parts; ++i)
    ranges.push_back({i * size / parts, (i + 1) * size / parts});
  return ranges;
}

/// One layer of one patch: the input region it reads and the padding that
/// remains of the layer's own at the image's borders.
struct PatchLayer {
  int64_t begin[2], end[2];       // input region, rows and columns
  int64_t padBegin[2], padEnd[2]; // the layer's padding within it
  int64_t outBegin[2], outEnd[2]; // output region
};

FailureOr<Value> mote::tilePatchSpan(const PatchSpan &span, int64_t rows,
                                     int64_t cols, FlatSymbolRefAttr cache,
                                     FlatSymbolRefAttr flags,
                                     SmallVectorImpl<PatchTile> *tiles) {
  Operation *last = span.ops.back();
  auto outType = cast<RankedTensorType>(span.output.getType());
  int64_t outH = outType.getDimSize(2), outW = outType.getDimSize(3);
  if (rows < 1 || cols < 1 || rows > outH || cols > outW)
    return last->emitError("patch inference: a grid of ")
           << rows << "x" << cols << " does not fit the span's output of "
           << outH << "x" << outW;

  // The regions of every layer of every patch, from the output back.
  auto rowRanges = splitEvenly(outH, rows), colRanges = splitEvenly(outW, cols);
  SmallVector<SmallVector<PatchLayer>> patches;
  for (auto [y0, y1] : rowRanges)
    for (auto [x0, x1] : colRanges) {
      SmallVector<PatchLayer> layers(span.ops.size());
      int64_t begin[2] = {y0, x0}, end[2] = {y1, x1};
      for (int64_t i = span.ops.size() - 1; i >= 0; --i) {
        Operation *op = span.ops[i];
        auto inType = cast<RankedTensorType>(op->getOperand(0).getType());
        PatchLayer &l = layers[i];
        std::optional<std::array<Window, 2>> windows = windowsOf(op);
        for (int axis = 0; axis < 2; ++axis) {
          l.outBegin[axis] = begin[axis];
          l.outEnd[axis] = end[axis];
          if (!windows) {
            l.begin[axis] = begin[axis];
            l.end[axis] = end[axis];
            l.padBegin[axis] = l.padEnd[axis] = 0;
            continue;
          }
          const Window &w = (*windows)[axis];
          int64_t size = inType.getDimSize(2 + axis);
          int64_t first = begin[axis] * w.stride - w.padBegin;
          int64_t past = (end[axis] - 1) * w.stride - w.padBegin +
                         (w.kernel - 1) * w.dilation + 1;
          l.begin[axis] = std::max<int64_t>(first, 0);
          l.end[axis] = std::min(past, size);
          l.padBegin[axis] = l.begin[axis] - first;
          l.padEnd[axis] = past - l.end[axis];
          if (l.end[axis] <= l.begin[axis])
            return op->emitError("patch inference: a patch of a ")
                   << rows << "x" << cols
                   << " grid reads only padding here; use a coarser grid";
        }
        begin[0] = l.begin[0];
        begin[1] = l.begin[1];
        end[0] = l.end[0];
        end[1] = l.end[1];
      }
      patches.push_back(std::move(layers));
    }

  OpBuilder b(last);
  MLIRContext *ctx = last->getContext();
  Location loc = last->getLoc();
  Value dest = cache ? Value() : EmptyOp::create(b, loc, outType);
  auto inType = cast<RankedTensorType>(span.input.getType());
  // The ops each patch makes, for `tiles`.
  struct Collector : OpBuilder::Listener {
    SmallVector<Operation *> ops;
    void notifyOperationInserted(Operation *op,
                                 OpBuilder::InsertPoint) override {
      ops.push_back(op);
    }
  } collector;
  b.setListener(&collector);
  for (auto [p, layers] : llvm::enumerate(patches)) {
    int64_t r = p / cols, c = p % cols;
    collector.ops.clear();
    // One layer of the patch on `input`, computing rows [top, bottom) of
    // the layer's patch output.
    auto cloneLayer = [&](Operation *op, const PatchLayer &l, Value input,
                          int64_t top, int64_t bottom) {
      IRMapping mapping;
      mapping.map(op->getOperand(0), input);
      Operation *clone = b.clone(*op, mapping);
      // The patch's ops carry no tensor names (the span's output keeps its
      // own): their layer names say which patch they compute.
      StringRef layer = getNodeName(op->getLoc());
      std::string name =
          (layer.empty() ? op->getName().getStringRef() : layer).str() +
          "/patch" + std::to_string(r) + "_" + std::to_string(c);
      clone->setLoc(NameLoc::get(StringAttr::get(ctx, name)));
      auto type = cast<RankedTensorType>(op->getResult(0).getType());
      SmallVector<int64_t> outShape = {type.getDimSize(0), type.getDimSize(1),
                                       bottom - top,
                                       l.outEnd[1] - l.outBegin[1]};
      clone->getResult(0).setType(
          RankedTensorType::get(outShape, type.getElementType()));
      if (windowsOf(op))
        clone->setAttr("pads",
                       b.getDenseI64ArrayAttr({l.padBegin[0], l.padBegin[1],
                                               l.padEnd[0], l.padEnd[1]}));
      return clone->getResult(0);
    };
    // Rows [top, bottom) and the patch's columns of the span's input: a
    // slice, or all of it.
    const PatchLayer &first = layers.front();
    auto inputRows = [&](int64_t top, int64_t bottom) -> Value {
      SmallVector<int64_t> shape = {inType.getDimSize(0), inType.getDimSize(1),
                                    bottom - top,
                                    first.end[1] - first.begin[1]};
      if (shape[2] == inType.getDimSize(2) && shape[3] == inType.getDimSize(3))
        return span.input;
      return SliceOp::create(
          b, loc, RankedTensorType::get(shape, inType.getElementType()),
          span.input, b.getDenseI64ArrayAttr({0, 0, top, first.begin[1]}),
          b.getDenseI64ArrayAttr({1, 1, 1, 1}));
    };
    Value x;
    ArrayRef<Operation *> rest = span.ops;
    ArrayRef<PatchLayer> restLayers = layers;
    Operation *head = span.ops.front();
    auto headType = cast<RankedTensorType>(head->getResult(0).getType());
    int64_t inBytes = getTensorBytes(
                RankedTensorType::get({1}, inType.getElementType())),
            outBytes = getTensorBytes(
                RankedTensorType::get({1}, headType.getElementType()));
    int64_t height = first.end[0] - first.begin[0];
    if (!windowsOf(head) && inBytes > outBytes && height > 1) {
      // An element-wise layer that narrows (a float input quantized to
      // int8) first: its patch is built a band of rows at a time, so the
      // wide input exists only a band at a time.
      int64_t band = std::max<int64_t>(1, height * outBytes / (2 * inBytes));
      auto patchType =
          RankedTensorType::get({headType.getDimSize(0), headType.getDimSize(1),
                                 height, first.end[1] - first.begin[1]},
                                headType.getElementType());
      x = EmptyOp::create(b, loc, patchType);
      for (int64_t top = first.begin[0]; top < first.end[0]; top += band) {
        int64_t bottom = std::min(top + band, first.end[0]);
        Value rows =
            cloneLayer(head, first, inputRows(top, bottom), top, bottom);
        x = InsertSliceOp::create(
            b, loc, patchType, rows, x,
            b.getDenseI64ArrayAttr({0, 0, top - first.begin[0], 0}));
      }
      rest = rest.drop_front();
      restLayers = restLayers.drop_front();
    } else {
      x = inputRows(first.begin[0], first.end[0]);
    }
    for (auto [op, l] : llvm::zip(rest, restLayers))
      x = cloneLayer(op, l, x, l.outBegin[0], l.outEnd[0]);
    const PatchLayer &final = layers.back();
    auto offsets =
        b.getDenseI64ArrayAttr({0, 0, final.outBegin[0], final.outBegin[1]});
    if (cache)
      PassStoreOp::create(b, loc, x, cache, flags, offsets,
                          b.getI64IntegerAttr(p), b.getI64IntegerAttr(0));
    else
      dest = InsertSliceOp::create(b, loc, outType, x, dest, offsets);
    if (tiles)
      tiles->push_back({collector.ops,
                        {first.begin[0], first.begin[1]},
                        {first.end[0], first.end[1]},
                        {final.outBegin[0], final.outBegin[1]},
                        {final.outEnd[0], final.outEnd[1]}});
  }
  b.setListener(nullptr);
  if (cache) {
    // The span's output: the cache, as the output's (quantized) type.
    Type element = outType.getElementType();
    if (auto q = dyn_cast<quant::QuantizedType>(element))
      element = q.getStorageType();
    auto storage = RankedTensorType::get(outType.getShape(), element);
    dest = ml_program::GlobalLoadOp::create(b, loc, storage, cache);
    if (storage != outType)
      dest = quant::StorageCastOp::create(b, loc, outType, dest);
  }
  // The span's output is the filled destination; the dense layers go.
  StringRef tensor = getTensorName(cast<OpResult>(span.output));
  Value output = span.output;
  output.replaceAllUsesWith(dest);
  if (!tensor.empty())
    addTensorName(dest, tensor);
  for (Operation *op : llvm::reverse(span.ops))
    op->erase();
  return dest;
}

namespace {

struct MotePatchInferencePass
    : public mote::impl::MotePatchInferenceBase<MotePatchInferencePass> {
  using MotePatchInferenceBase::MotePatchInferenceBase;

  void runOnOperation() override {
    if (tensor.empty()) {
      getOperation().emitError("mote-patch-inference needs tensor=NAME");
      return signalPassFailure();
    }
    if (grid.size() != 2) {
      getOperation().emitError("mote-patch-inference: grid must be ROWS,COLS");
      return signalPassFailure();
    }
    func::FuncOp func;
    for (auto f : getOperation().getOps<func::FuncOp>())
      f.walk([&](Operation *op) {
        if (!func && getNamedResult(op, tensor))
          func = f;
      });
    if (!func) {
      auto funcs = getOperation().getOps<func::FuncOp>();
      if (funcs.empty()) {
        getOperation().emitError("patch inference: the module has no function");
        return signalPassFailure();
      }
      func = *funcs.begin(); // findPatchSpan reports the missing tensor.
    }
    FailureOr<PatchSpan> span = findPatchSpan(func, tensor);
    if (failed(span) || failed(tilePatchSpan(*span, grid[0], grid[1])))
      return signalPassFailure();
  }
};

} // namespace
