"""Writes a variant of a TFLite model in JSON: mutate.py BASE.json OUT.json
STATEMENT, where STATEMENT (Python) changes the parsed model `m`."""
import json
import sys

m = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(m, open(sys.argv[2], "w"))
