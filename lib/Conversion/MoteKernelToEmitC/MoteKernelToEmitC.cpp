//===- MoteKernelToEmitC.cpp - Kernel-level IR to EmitC -------------------===//
//
// A mechanical translation: every decision was made by
// convert-mote-to-kernel. Buffers become pointers, constant globals become
// static const arrays, kernel calls become C calls.
//
//===----------------------------------------------------------------------===//

#include "Mote/Conversion/Passes.h"

#include "MoteKernel/IR/KernelABI.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mote {
#define GEN_PASS_DEF_CONVERTMOTEKERNELTOEMITC
#include "Mote/Conversion/Passes.h.inc"
} // namespace mote

using namespace mlir;
using namespace mote;

namespace {

class Printer {
public:
  explicit Printer(ModuleOp module)
      : module(module), builder(module.getContext()) {}

  LogicalResult run();

private:
  ModuleOp module;
  OpBuilder builder;
  DenseMap<Value, Value> mapping;
  Value arena, status;
  /// Whether the function returned early on a failure before its first
  /// state update.
  bool guarded = false;
  /// The function being printed; parameter structs go before it.
  Operation *cfunc = nullptr;
  unsigned paramsCounter = 0;

  MLIRContext *ctx() { return module.getContext(); }
  Type i32() { return IntegerType::get(ctx(), 32); }
  Type ptrTo(Type t) { return emitc::PointerType::get(t); }

  LogicalResult convertGlobal(memref::GlobalOp global);
  LogicalResult convertFunc(func::FuncOp func);
  LogicalResult convertCall(kernel::CallOp call, StringRef name);
};

LogicalResult Printer::convertGlobal(memref::GlobalOp global) {
  auto init = dyn_cast_or_null<DenseElementsAttr>(global.getInitialValueAttr());
  if (!global.getConstant() || !init || global.getType().getRank() != 1)
    return global.emitOpError("only constant, initialized 1-D globals print "
                              "as C arrays");
  builder.setInsertionPoint(global);
  auto type = emitc::ArrayType::get(global.getType().getShape(),
                                    global.getType().getElementType());
  emitc::GlobalOp::create(builder, global.getLoc(), global.getSymName(), type,
                          init, /*extern=*/false, /*static=*/true,
                          /*const=*/true);
  global.erase();
  return success();
}

LogicalResult Printer::convertCall(kernel::CallOp call, StringRef name) {
  Location loc = call.getLoc();
  if (auto label = dyn_cast<NameLoc>(loc))
    emitc::VerbatimOp::create(builder, loc,
                              "/* " + label.getName().str() + " */");
  SmallVector<Value> operands;
  SmallVector<Attribute> args;
  if (std::optional<StringRef> type = call.getParamsType()) {
    // A designated initializer in the struct's field order (the verifier
    // checked that the fields are exactly the struct's).
    std::string init = "{";
    DictionaryAttr params = *call.getParams();
    for (auto [i, field] : llvm::enumerate(*abi::getParamsFields(*type)))
      init += (i ? ", ." : ".") + field.str() + " = " +
              std::to_string(cast<IntegerAttr>(params.get(field)).getInt());
    init += "}";
    std::string symbol =
        name.str() + "_params" + std::to_string(paramsCounter++);
    Type opaque = emitc::OpaqueType::get(ctx(), *type);
    {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPoint(cfunc);
      emitc::GlobalOp::create(builder, loc, symbol, opaque,
                              emitc::OpaqueAttr::get(ctx(), init),
                              /*extern=*/false, /*static=*/true,
                              /*const=*/true);
    }
    Value lvalue = emitc::GetGlobalOp::create(
        builder, loc, emitc::LValueType::get(opaque), symbol);
    operands.push_back(
        emitc::AddressOfOp::create(builder, loc, ptrTo(opaque), lvalue));
    args.push_back(builder.getIndexAttr(0));
  }
  for (Attribute scalar : call.getScalars())
    args.push_back(scalar);
  for (Value buffer : call.getBuffers()) {
    Value mapped = mapping.lookup(buffer);
    if (!mapped)
      return call.emitOpError("buffer operand was not converted");
    args.push_back(builder.getIndexAttr(operands.size()));
    operands.push_back(mapped);
  }
  // Updates of the state run only after every call before them succeeded.
  if (call.getCommitsState() && !guarded) {
    Value sofar = emitc::LoadOp::create(builder, loc, i32(), status);
    emitc::VerbatimOp::create(builder, loc,
                              builder.getStringAttr("if ({} != 0) return {};"),
                              ValueRange{sofar, sofar});
    guarded = true;
  }
  // A guarded call (a PASS tile) runs only when its flag is set.
  OpBuilder::InsertionGuard guardScope(builder);
  if (Value guard = call.getGuard()) {
    Value flags = mapping.lookup(guard);
    if (!flags)
      return call.emitOpError("guard buffer was not converted");
    Type i8 = IntegerType::get(ctx(), 8);
    Value index =
        emitc::ConstantOp::create(builder, loc, builder.getIndexType(),
                                  builder.getIndexAttr(*call.getGuardIndex()));
    Value element = emitc::SubscriptOp::create(
        builder, loc, emitc::LValueType::get(i8), flags, ValueRange{index});
    Value flag = emitc::LoadOp::create(builder, loc, i8, element);
    Value zero = emitc::ConstantOp::create(builder, loc, i8,
                                           builder.getIntegerAttr(i8, 0));
    Value set = emitc::CmpOp::create(builder, loc, builder.getI1Type(),
                                     emitc::CmpPredicate::ne, flag, zero);
    auto branch = emitc::IfOp::create(builder, loc, set,
                                      /*addThenBlock=*/false,
                                      /*addElseBlock=*/false);
    Block *then = builder.createBlock(&branch.getThenRegion());
    builder.setInsertionPointToStart(then);
    emitc::YieldOp::create(builder, loc);
    builder.setInsertionPointToStart(then);
  }
  Value s = emitc::CallOpaqueOp::create(builder, loc, TypeRange{i32()},
                                        call.getCallee(), operands,
                                        builder.getArrayAttr(args))
                .getResult(0);
  Value previous = emitc::LoadOp::create(builder, loc, i32(), status);
  Value merged = emitc::BitwiseOrOp::create(builder, loc, i32(), previous, s);
  emitc::AssignOp::create(builder, loc, status, merged);
  return success();
}

LogicalResult Printer::convertFunc(func::FuncOp func) {
  auto numInputs = func->getAttrOfType<IntegerAttr>("mote.num_inputs");
  if (!numInputs)
    return func.emitOpError("is not a kernel-level model function "
                            "(no mote.num_inputs)");
  Location loc = func.getLoc();
  SmallVector<Type> argTypes;
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    Type element = cast<MemRefType>(type).getElementType();
    bool isInput = static_cast<int64_t>(i) < numInputs.getInt();
    bool isArena = i + 1 == func.getNumArguments();
    if (isArena)
      argTypes.push_back(
          ptrTo(IntegerType::get(ctx(), 8, IntegerType::Unsigned)));
    else if (isInput)
      argTypes.push_back(ptrTo(emitc::OpaqueType::get(
          ctx(), "const " + abi::getCElementType(element).str())));
    else
      argTypes.push_back(ptrTo(element));
  }
  builder.setInsertionPoint(func);
  auto function =
      emitc::FuncOp::create(builder, loc, func.getSymName(),
                            builder.getFunctionType(argTypes, {i32()}));
  cfunc = function;
  Block *body = function.addEntryBlock();
  builder.setInsertionPointToStart(body);
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    Value c = body->getArgument(i);
    if (static_cast<int64_t>(i) < numInputs.getInt())
      // Kernels take pointers to the element type; they never write inputs.
      c = emitc::CastOp::create(
          builder, loc, ptrTo(cast<MemRefType>(arg.getType()).getElementType()),
          c);
    mapping[arg] = c;
  }
  arena = body->getArguments().back();
  guarded = false;
  // Every parameter is used, even where a model needs no arena or has an
  // output it does not write through (C compilers warn otherwise).
  for (BlockArgument arg : body->getArguments())
    emitc::VerbatimOp::create(builder, loc, builder.getStringAttr("(void){};"),
                              ValueRange{arg});
  status =
      emitc::VariableOp::create(builder, loc, emitc::LValueType::get(i32()),
                                builder.getI32IntegerAttr(0));
  for (Operation &op : func.getBody().front()) {
    LogicalResult result =
        llvm::TypeSwitch<Operation *, LogicalResult>(&op)
            .Case([&](memref::GetGlobalOp g) {
              auto type = emitc::ArrayType::get(g.getType().getShape(),
                                                g.getType().getElementType());
              mapping[g.getResult()] = emitc::GetGlobalOp::create(
                  builder, g.getLoc(), type, g.getName());
              return success();
            })
            .Case([&](arith::ConstantIndexOp c) {
              mapping[c.getResult()] = emitc::ConstantOp::create(
                  builder, c.getLoc(), i32(),
                  builder.getI32IntegerAttr(c.value()));
              return success();
            })
            .Case([&](memref::ViewOp view) -> LogicalResult {
              if (view.getSource() != func.getArguments().back())
                return view.emitOpError("only views of the arena print as C");
              Value offset = mapping.lookup(view.getByteShift());
              if (!offset)
                return view.emitOpError("offset was not converted");
              Value p = emitc::AddOp::create(builder, view.getLoc(),
                                             arena.getType(), arena, offset);
              mapping[view.getResult()] = emitc::CastOp::create(
                  builder, view.getLoc(),
                  ptrTo(view.getType().getElementType()), p);
              return success();
            })
            .Case([&](memref::ReinterpretCastOp view) -> LogicalResult {
              // A reshaped buffer is the same storage.
              Value source = mapping.lookup(view.getSource());
              if (!source)
                return view.emitOpError("source was not converted");
              mapping[view.getResult()] = source;
              return success();
            })
            .Case([&](kernel::CallOp call) {
              return convertCall(call, func.getSymName());
            })
            .Case([&](func::ReturnOp) {
              emitc::ReturnOp::create(
                  builder, loc,
                  emitc::LoadOp::create(builder, loc, i32(), status));
              return success();
            })
            .Default([&](Operation *other) {
              return other->emitOpError(
                  "has no EmitC form at the kernel level");
            });
    if (failed(result))
      return failure();
  }
  func.erase();
  return success();
}

LogicalResult Printer::run() {
  builder.setInsertionPointToStart(module.getBody());
  Location loc = module.getLoc();
  emitc::IncludeOp::create(builder, loc, "mote/mote_kernels.h", false);
  // Headers of target kernels the lowering called (mote.kernel_headers).
  if (auto headers = module->getAttrOfType<ArrayAttr>("mote.kernel_headers")) {
    for (auto header : headers.getAsValueRange<StringAttr>())
      emitc::IncludeOp::create(builder, loc, header, false);
    module->removeAttr("mote.kernel_headers");
  }
  emitc::IncludeOp::create(builder, loc, "stdint.h", true);
  emitc::IncludeOp::create(builder, loc, "stddef.h", true);
  // The conditions of guarded calls are C99 bools.
  if (module
          .walk([](kernel::CallOp call) {
            return call.getGuard() ? WalkResult::interrupt()
                                   : WalkResult::advance();
          })
          .wasInterrupted())
    emitc::IncludeOp::create(builder, loc, "stdbool.h", true);
  for (auto global :
       llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
    if (failed(convertGlobal(global)))
      return failure();
  for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
    if (failed(convertFunc(func)))
      return failure();
  return success();
}

struct ConvertMoteKernelToEmitCPass
    : mote::impl::ConvertMoteKernelToEmitCBase<ConvertMoteKernelToEmitCPass> {
  void runOnOperation() override {
    if (failed(Printer(getOperation()).run()))
      signalPassFailure();
  }
};

} // namespace
