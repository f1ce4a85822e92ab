"""Checks docs/ONNXImport.md's operator table against the importer's own
table (`motec ops`): every operator the importer handles is documented, and
the table names none it does not handle (Upsample arrives upgraded to
Resize). Also checks that the conformance driver's claimed operators are
the importer's, and that the versions table between the `motec ops
--markdown` markers is that command's output (MARKDOWN_FILE). Exits 1
naming each difference.

Usage: check_ops_documented.py OPS_FILE ONNXImport.md run_node_tests.py MARKDOWN_FILE
"""
import re
import sys

UPGRADED = {"Upsample"}  # converted by ONNX's version converter


def main():
    ops_file, doc, driver, markdown = sys.argv[1:5]
    supported = set(open(ops_file).read().split())
    documented = set()
    in_table = False
    for line in open(doc):
        if line.startswith("| family | operators |"):
            in_table = True
            continue
        if in_table:
            if not line.startswith("|"):
                break
            cells = line.split("|")
            if len(cells) > 2:
                documented |= set(re.findall(r"\b[A-Z][A-Za-z]+\b", cells[2]))
    text = open(driver).read()
    claimed = set(re.findall(r'"([A-Z][A-Za-z]+)"',
                             text[text.index("CLAIMED = {"):text.index("}", text.index("CLAIMED = {"))]))
    errors = []
    errors += [f"{op}: handled by the importer, missing from the table" for op in sorted(supported - documented)]
    errors += [f"{op}: in the table, not handled by the importer"
               for op in sorted(documented - supported - UPGRADED)]
    errors += [f"{op}: claimed by the conformance driver, not handled" for op in sorted(claimed - supported)]
    text = open(doc).read()
    begin, end = "<!-- BEGIN motec ops --markdown -->\n", "<!-- END motec ops --markdown -->"
    if begin not in text or end not in text:
        errors.append("versions table: markers missing")
    elif text[text.index(begin) + len(begin):text.index(end)] != open(markdown).read():
        errors.append("versions table: differs from `motec ops --markdown` (paste its output between the markers)")
    for e in errors:
        print(e)
    print(f"{len(supported)} operators handled, {len(supported & documented)} documented, "
          f"{len(claimed)} claimed by the conformance driver")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
