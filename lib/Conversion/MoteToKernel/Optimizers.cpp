//===- Optimizers.cpp - SGD and Adam updates of state ---------------------===//
//
// Part of convert-mote-to-kernel (Lowering.h): the lowerings of this op
// family and their registration.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

using namespace mlir;
using namespace mote;
using namespace mote::lowering;

LogicalResult Lowering::lowerSGDUpdate(SGDUpdateOp o) {
  FailureOr<Value> grad = buffer(o, o.getGradient());
  if (failed(grad))
    return failure();
  Type type = o.getGradient().getType();
  Value param = stateBuffer(o.getParamAttr(), type);
  int64_t count = countOf(o.getGradient());
  if (FlatSymbolRefAttr moment = o.getMomentumStateAttr())
    call("mote_sgd_momentum_update_f32",
         {*grad, param, stateBuffer(moment, type)},
         {i32(count), f32(o.getLr().convertToDouble()),
          f32(o.getMomentum().convertToDouble()),
          f32(o.getWeightDecay().convertToDouble())},
         "", {}, 2)
        .setCommitsState(true);
  else
    call("mote_sgd_update_f32", {*grad, param},
         {i32(count), f32(o.getLr().convertToDouble()),
          f32(o.getWeightDecay().convertToDouble())})
        .setCommitsState(true);
  updated.insert(o.getParamAttr().getValue());
  return success();
}
LogicalResult Lowering::lowerAdamUpdate(AdamUpdateOp o) {
  FailureOr<Value> grad = buffer(o, o.getGradient());
  if (failed(grad))
    return failure();
  Type type = o.getGradient().getType();
  auto stepType = RankedTensorType::get({1}, builder.getF32Type());
  call("mote_adam_update_f32",
       {*grad, stateBuffer(o.getParamAttr(), type),
        stateBuffer(o.getFirstMomentAttr(), type),
        stateBuffer(o.getSecondMomentAttr(), type),
        stateBuffer(o.getStepAttr(), stepType)},
       {i32(countOf(o.getGradient())), f32(o.getLr().convertToDouble()),
        f32(o.getBeta1().convertToDouble()),
        f32(o.getBeta2().convertToDouble()),
        f32(o.getEpsilon().convertToDouble()),
        f32(o.getWeightDecay().convertToDouble()),
        i32(o.getIncrementStep() ? 1 : 0)},
       "", {}, 4)
      .setCommitsState(true);
  updated.insert(o.getParamAttr().getValue());
  return success();
}

void mote::lowering::populateOptimizerPatterns(LoweringPatterns &patterns) {
  patterns.add<SGDUpdateOp>(LoweringDomain::Training,
                            &Lowering::lowerSGDUpdate);
  patterns.add<AdamUpdateOp>(LoweringDomain::Training,
                             &Lowering::lowerAdamUpdate);
}
