"""Checks the machine code of a model package built for an Arm target.

  check_disassembly.py PACKAGE_DIR ELF OBJDUMP --require MNEMONIC

- The model's run function calls the target's kernel (from the C).
- Float kernels (names with f32) are called only at the model boundary:
  before the first and after the last int8 kernel (the MLPerf models take
  and return float).
- No integer kernel, nor the run function, contains a floating-point
  arithmetic or conversion instruction (every function of the ELF named
  mote_*, gemm_* or the model's, except the float kernels and helpers).
- The target's block function (gemm_block) uses MNEMONIC (SDOT, SMLAD,
  VMLAV[A]: binutils prints MVE's VMLADAV as VMLAV).
"""
import argparse
import re
import subprocess
import sys

FLOAT = {
    "arm": re.compile(r"\b(vadd|vsub|vmul|vdiv|vfma|vfms|vneg|vabs|vsqrt|vcmpe?|vcvt[a-z]*|vrint[a-z]*|vmaxnm|vminnm)\.f(16|32|64)\b|\bbl?\s+[0-9a-f]+ <__aeabi_[fd]"),
    "aarch64": re.compile(r"^\s*[0-9a-f]+:\s+[0-9a-f]+\s+(fadd|fsub|fmul|fdiv|fmadd|fmsub|fnmul|fneg|fabs|fsqrt|fcvt\w*|scvtf|ucvtf|fcmpe?|fccmp|fmax\w*|fmin\w*|frint\w*)\s", re.M),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("package")
    ap.add_argument("elf")
    ap.add_argument("objdump")
    ap.add_argument("--require", required=True)
    ap.add_argument("--model", default="m")
    args = ap.parse_args()
    arch = "aarch64" if "aarch64" in args.objdump else "arm"
    source = open(f"{args.package}/{args.model}.c").read()
    calls = re.findall(r"\b(mote_[a-z0-9_]+)\(", source)
    floats = [i for i, c in enumerate(calls) if "f32" in c]
    # Integer compute: the int8 kernels (data movement is type-agnostic).
    ints = [i for i, c in enumerate(calls) if c.endswith("_s8") and "f32" not in c]
    boundary = bool(ints) and all(i < ints[0] or i > ints[-1] for i in floats)
    target_calls = sorted({c for c in calls if re.match(r"mote_(aarch64|cortex)_", c)})
    print(f"target kernels called: {', '.join(target_calls) or 'none'}")
    print(f"float kernels only at the model boundary: {'yes' if boundary else 'NO'} "
          f"({', '.join(sorted({calls[i] for i in floats})) or 'none'})")

    extra = ["-m", "armv8.1-m.main"] if arch == "arm" else []
    text = subprocess.run([args.objdump, "-d", *extra, args.elf], check=True,
                          capture_output=True, text=True).stdout
    functions = re.split(r"\n(?=[0-9a-f]+ <[^>]+>:\n)", text)
    checked, with_float, required = 0, [], 0
    for body in functions:
        m = re.match(r"[0-9a-f]+ <([^>]+)>:", body)
        if not m:
            continue
        name = m.group(1)
        if not (name.startswith(("mote_", "gemm_")) or name == f"{args.model}_run"):
            continue
        # The float math helpers (mote_expf, mote_erff, and GCC's clones of
        # them such as mote_expf.part.0) are float kernels.
        if "f32" in name or name.split(".")[0] in ("mote_expf", "mote_erff") or name.startswith(("mote_board", "mote_bench", "mote_main", "mote_reset", "mote_fault")):
            continue
        checked += 1
        if FLOAT[arch].search(body):
            with_float.append(name)
        if name.startswith("gemm_block"):
            required += len(re.findall(rf"\s{args.require}\b", body))
    print(f"integer functions checked: {checked}; with floating-point instructions: "
          f"{', '.join(with_float) or 'none'}")
    print(f"{args.require} instructions in gemm_block: {'yes' if required else 'NONE'}")
    ok = boundary and target_calls and checked > 5 and not with_float and required
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
