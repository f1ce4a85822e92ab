//===- HostRun.cpp - Build and run a model with the host C compiler -------===//

#include "Mote/Driver/HostRun.h"
#include "Mote/Conversion/FixedPoint.h"
#include "Mote/Conversion/TargetDescription.h"
#include "Mote/Target/C/ExportC.h"

#include "Mote/Driver/Npy.h"
#include "Mote/Transforms/MemoryPlan.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace llvm;

mote::Progress::Progress(StringRef step)
    : start(std::chrono::steady_clock::now()) {
  errs() << "motec: " << step << "...\n";
}

mote::Progress::~Progress() {
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (seconds > 1.0)
    errs() << formatv("motec:   done in {0:F1} s\n", seconds);
}

namespace {

/// Runs `program` with `args`, its output kept in `dir`/log.txt and shown
/// if it fails; reports a failure naming `what`.
LogicalResult execute(StringRef program, ArrayRef<std::string> args,
                      StringRef dir, StringRef what) {
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  SmallString<128> log(dir);
  sys::path::append(log, "log.txt");
  std::string message;
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                          StringRef(log)};
  int rc = sys::ExecuteAndWait(program, argRefs, std::nullopt, redirects, 0, 0,
                               &message);
  if (rc != 0) {
    errs() << "motec: " << what << " failed (exit code " << rc << ")"
           << (message.empty() ? "" : ": " + message) << "\n";
    if (auto text = MemoryBuffer::getFile(log))
      errs() << (*text)->getBuffer();
    return failure();
  }
  return success();
}

/// The key of an object in the cache: the compiler (its resolved path,
/// size and modification time), the flags that are not include paths, and
/// the preprocessed text, which holds everything the include paths led to.
std::string objectKey(StringRef cc, ArrayRef<std::string> flags,
                      StringRef preprocessed) {
  SHA256 hash;
  hash.update("mote object cache 1");
  SmallString<256> real;
  sys::fs::file_status status;
  if (!sys::fs::real_path(cc, real) && !sys::fs::status(real, status)) {
    hash.update(real);
    hash.update(
        formatv(" {0} {1}\n", status.getSize(),
                status.getLastModificationTime().time_since_epoch().count())
            .str());
  } else {
    hash.update(cc);
  }
  for (const std::string &flag : flags)
    if (!StringRef(flag).starts_with("-I")) {
      hash.update(flag);
      hash.update(StringRef("\0", 1));
    }
  hash.update(preprocessed);
  return toHex(hash.final(), /*LowerCase=*/true);
}

} // namespace

std::string mote::objectCacheDir() {
  if (std::optional<std::string> dir = sys::Process::GetEnv("MOTE_CACHE_DIR"))
    return *dir;
  SmallString<128> dir;
  if (std::optional<std::string> xdg = sys::Process::GetEnv("XDG_CACHE_HOME");
      xdg && !xdg->empty())
    dir = *xdg;
  else if (std::optional<std::string> home = sys::Process::GetEnv("HOME");
           home && !home->empty())
    sys::path::append(dir, *home, ".cache");
  else
    return "";
  sys::path::append(dir, "mote");
  return dir.str().str();
}

FailureOr<SmallVector<std::string>>
mote::compileObjects(StringRef cc, ArrayRef<std::string> flags,
                     ArrayRef<std::string> sources, StringRef dir) {
  SmallString<128> cache(objectCacheDir());
  if (!cache.empty()) {
    sys::path::append(cache, "objects");
    if (sys::fs::create_directories(cache))
      cache.clear(); // No cache: compile everything.
  }
  SmallVector<std::string> objects;
  for (auto [i, source] : llvm::enumerate(sources)) {
    std::string stem = "obj" + std::to_string(i);
    SmallString<128> object(dir);
    sys::path::append(object, stem + ".o");
    objects.push_back(object.str().str());
    SmallVector<std::string> args = {cc.str()};
    llvm::append_range(args, flags);
    std::string cached;
    if (!cache.empty()) {
      SmallString<128> text(dir);
      sys::path::append(text, stem + ".i");
      SmallVector<std::string> preprocess(args);
      llvm::append_range(
          preprocess,
          SmallVector<std::string>{"-E", "-P", source, "-o", text.str().str()});
      if (failed(execute(cc, preprocess, dir, "the C preprocessor")))
        return failure();
      auto buffer = MemoryBuffer::getFile(text);
      if (!buffer) {
        errs() << "motec: cannot read " << text << "\n";
        return failure();
      }
      SmallString<128> path(cache);
      sys::path::append(path,
                        objectKey(cc, flags, (*buffer)->getBuffer()) + ".o");
      cached = path.str().str();
      if (!sys::fs::copy_file(cached, object))
        continue;
    }
    llvm::append_range(
        args, SmallVector<std::string>{"-c", source, "-o", object.str().str()});
    if (failed(execute(cc, args, dir, "the C compiler")))
      return failure();
    if (cached.empty())
      continue;
    // Into the cache under a unique name first: a concurrent motec never
    // sees half an object.
    int fd;
    SmallString<128> temporary;
    if (sys::fs::createUniqueFile(cached + ".%%%%%%%%", fd, temporary))
      continue;
    sys::Process::SafelyCloseFileDescriptor(fd);
    if (sys::fs::copy_file(object, temporary) ||
        sys::fs::rename(temporary, cached))
      sys::fs::remove(temporary);
  }
  return objects;
}

FailureOr<SmallVector<std::string>>
mote::runModel(ModuleOp module, ArrayRef<std::string> inputs, int64_t samples,
               StringRef runtimeDir, const TargetDescription &target,
               ArrayRef<std::string> execPrefix, bool portableKernels) {
  auto func = *module.getOps<func::FuncOp>().begin();
  SmallVector<Type> inputTypes(func.getArgumentTypes());
  SmallVector<Type> outputTypes(func.getResultTypes());
  SmallVector<int64_t> inputBytes, outputBytes;
  for (Type type : inputTypes)
    inputBytes.push_back(getTensorBytes(type));
  for (Type type : outputTypes)
    outputBytes.push_back(getTensorBytes(type));
  if (inputs.size() != inputBytes.size()) {
    errs() << "motec: the model has " << inputBytes.size()
           << " input(s), given " << inputs.size() << "\n";
    return failure();
  }
  for (auto [data, bytes] : llvm::zip(inputs, inputBytes))
    if (static_cast<int64_t>(data.size()) != bytes * samples) {
      errs() << "motec: input data of " << data.size() << " bytes, expected "
             << bytes * samples << " for " << samples << " sample(s)\n";
      return failure();
    }

  SmallString<128> workDir;
  if (std::error_code ec =
          sys::fs::createUniqueDirectory("motec-run", workDir)) {
    errs() << "motec: cannot create a work directory: " << ec.message() << "\n";
    return failure();
  }
  sys::fs::make_absolute(workDir);
  auto cleanup =
      llvm::scope_exit([&] { sys::fs::remove_directories(workDir); });
  SmallVector<std::string> files;
  for (auto [i, data] : llvm::enumerate(inputs)) {
    std::string file = "in" + std::to_string(i) + ".bin";
    if (failed(writeFile(workDir, file, data)))
      return failure();
    files.push_back((workDir + "/" + file).str());
  }
  for (size_t i = 0; i < outputBytes.size(); ++i)
    files.push_back((workDir + "/out" + std::to_string(i) + ".bin").str());

  std::string name = "model";
  FailureOr<CPackage> package;
  {
    Progress progress("generating C");
    package =
        exportC(module, name, portableKernels ? "generic-c" : target.name);
  }
  if (failed(package) ||
      failed(writeFile(workDir, name + ".c", package->source)) ||
      failed(writeFile(workDir, name + ".h", package->header)) ||
      failed(
          writeFile(workDir, "main.c",
                    boardMain(name, package->entry, inputTypes, outputTypes,
                              package->arenaBytes,
                              // A model with state (PASS) starts from
                              // a fresh one; the samples are frames.
                              package->runtime.training ? name + "_init_state"
                                                        : std::string()))) ||
      failed(copyRuntime(runtimeDir, workDir, target, /*board=*/true,
                         package->runtime)))
    return failure();

  std::string cc = target.toolchain.compiler.str();
  if (cc.empty()) {
    const char *ccEnv = std::getenv("CC");
    cc = ccEnv && *ccEnv ? ccEnv : "cc";
  }
  auto ccPath = sys::findProgramByName(cc);
  if (!ccPath) {
    errs() << "motec: no C compiler '" << cc << "' on PATH"
           << (target.toolchain.compiler.empty()
                   ? " (set CC)"
                   : " (scripts/setup.sh installs the cross compilers)")
           << "\n";
    return failure();
  }
  std::string exe = (workDir + "/model.elf").str();
  SmallVector<std::string> ccArgs = {cc};
  std::string dir = workDir.str().str() + "/";
  llvm::append_range(ccArgs, programFlags(target, workDir));
  ccArgs.push_back(dir + "main.c");
  ccArgs.push_back(dir + name + ".c");
  {
    Progress progress("building with " + cc);
    // The runtime is the same for many models: its objects are cached.
    SmallVector<std::string> runtime;
    for (const std::string &source : runtimeSources(target, package->runtime))
      runtime.push_back(dir + "runtime/" + source);
    runtime.push_back(dir + "runtime/" + boardSource(target));
    FailureOr<SmallVector<std::string>> objects = compileObjects(
        *ccPath, compileFlags(target, workDir), runtime, workDir);
    if (failed(objects))
      return failure();
    llvm::append_range(ccArgs, *objects);
    ccArgs.push_back("-o");
    ccArgs.push_back(exe);
    if (failed(execute(*ccPath, ccArgs, workDir, "the C compiler")))
      return failure();
  }
  {
    Progress progress("running " + std::to_string(samples) + " sample(s)" +
                      (target.toolchain.emulator.empty()
                           ? std::string()
                           : " under " + target.toolchain.emulator.str()));
    SmallVector<std::string> command;
    if (!execPrefix.empty()) {
      command.assign(execPrefix.begin(), execPrefix.end());
      command.push_back(exe);
      llvm::append_range(command, files);
    } else {
      command = emulatorCommand(target, exe, files);
    }
    auto path = sys::findProgramByName(command.front());
    if (!path) {
      errs() << "motec: no program '" << command.front() << "' on PATH\n";
      return failure();
    }
    if (failed(execute(*path, command, workDir, "the compiled model")))
      return failure();
  }
  // What the program reports of PASS (the tiles it recomputed).
  if (auto log = MemoryBuffer::getFile(workDir + "/log.txt")) {
    SmallVector<StringRef> lines;
    (*log)->getBuffer().split(lines, '\n');
    for (StringRef line : lines)
      if (line.starts_with("PASS: "))
        outs() << line << "\n";
  }
  SmallVector<std::string> outputs;
  for (size_t i = 0; i < outputBytes.size(); ++i) {
    auto raw = MemoryBuffer::getFile(files[inputs.size() + i], false, false);
    if (!raw || static_cast<int64_t>((*raw)->getBufferSize()) !=
                    outputBytes[i] * samples) {
      errs() << "motec: the compiled model wrote no output " << i << "\n";
      return failure();
    }
    outputs.push_back((*raw)->getBuffer().str());
  }
  return outputs;
}

std::string mote::npyDtypeOf(Type type) {
  Type e = getElementTypeOrSelf(type);
  if (auto q = dyn_cast<quant::QuantizedType>(e))
    e = q.getStorageType();
  if (e.isInteger(1))
    return "|b1";
  if (e.isInteger(64))
    return "<i8";
  if (e.isInteger(32))
    return "<i4";
  if (e.isInteger(16))
    return "<i2";
  return e.isF32() ? "<f4" : "|i1";
}

std::string mote::quantizeBytes(StringRef data,
                                quant::UniformQuantizedType int8) {
  std::string out(data.size() / sizeof(float), '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    float x;
    std::memcpy(&x, data.data() + i * sizeof(float), sizeof(float));
    out[i] = static_cast<char>(static_cast<int8_t>(
        quantizeToInt8(x, int8.getScale(), int8.getZeroPoint())));
  }
  return out;
}

FailureOr<int64_t> mote::appendSamples(StringRef path, RankedTensorType type,
                                       std::string &data,
                                       quant::UniformQuantizedType int8) {
  auto file = MemoryBuffer::getFile(path, false, false);
  if (!file) {
    errs() << "motec: cannot read '" << path
           << "': " << file.getError().message() << "\n";
    return failure();
  }
  std::string error;
  FailureOr<NpyArray> array = parseNpy((*file)->getBuffer(), error);
  if (failed(array)) {
    errs() << "motec: '" << path << "': " << error << "\n";
    return failure();
  }
  if (int8 && array->dtype == "|i1" && npyDtypeOf(type) == "<f4") {
    // The source model's int8 input: its real values, which the model's
    // own quantize maps back exactly.
    std::string real;
    for (char q : array->data) {
      float x = static_cast<float>(
          (static_cast<int8_t>(q) - int8.getZeroPoint()) * int8.getScale());
      real.append(reinterpret_cast<const char *>(&x), sizeof(float));
    }
    array->data = std::move(real);
    array->dtype = "<f4";
  }
  ArrayRef<int64_t> shape = array->shape;
  // Several calls' inputs stacked on the leading axis (a multiple of the
  // input's own, which is K for a split device that packs K samples).
  bool stacked = type.getRank() >= 1 && type.getDimSize(0) >= 1 &&
                 shape.size() == static_cast<size_t>(type.getRank()) &&
                 shape.front() % type.getDimSize(0) == 0 &&
                 shape.drop_front() == type.getShape().drop_front();
  if (array->dtype != npyDtypeOf(type) ||
      (shape != type.getShape() && !stacked)) {
    std::string want;
    raw_string_ostream os(want);
    os << type;
    errs() << "motec: '" << path << "' holds a "
           << (array->dtype == "<f4"   ? "float32"
               : array->dtype == "<i8" ? "int64"
               : array->dtype == "|b1" ? "bool"
               : array->dtype == "<i4" ? "int32"
               : array->dtype == "<i2" ? "int16"
                                       : "int8")
           << " array of shape ("
           << llvm::join(
                  llvm::map_range(shape,
                                  [](int64_t d) { return std::to_string(d); }),
                  ", ")
           << "); the model input is " << want << "\n";
    return failure();
  }
  data += array->data;
  return stacked ? shape[0] / type.getDimSize(0) : 1;
}
