"""A tour of oasis_twin: read, inspect, run, edit, scenarios, errors.
Run from the repository root: python3 examples/python/quickstart.py"""

import pandas as pd

import oasis_twin as ot

pd.set_option("display.width", 100)

# Read a model (a path, the file's text or its bytes) and look at it.
model = ot.read_inp("examples/jinchang-demo.inp")
print(model)
print(model.links["type"].value_counts().to_string())
print(model.links.loc[["PS-1", "PRV-1"]])

# Run the whole duration: DataFrames of time (s) × element, in the file's units (here LPS, m).
results = model.run()
pressure = results.node["pressure"]
print(pressure.shape)
print(pressure[["M0000", "M0100", "TANK-W"]].head(4).round(3))
print(results.link["status"]["PRV-1"].value_counts().to_string())  # WNTR's 0 closed, 1 open, 2 active

# The same in WNTR's SI units (m³/s, m), to put beside WNTR's results.
si = model.run(units="SI")
print(si.link["flowrate"]["PS-1"].head(3))

# Edit: a leak as an emitter at M0100 (0.8 L/s per m^0.5), a pipe closed.
leaky = model.copy().add_leak("M0100", 0.8).set_link_status("P0003", "CLOSED")
after = leaky.run()
leak_lps = after.node["demand"]["M0100"] - results.node["demand"]["M0100"]
print(f"leak outflow at M0100: {leak_lps.min():.3f} to {leak_lps.max():.3f} L/s")
print(f"pressure drop at M0100: {(pressure['M0100'] - after.node['pressure']['M0100']).max():.3f} m")

# Many scenarios in parallel (the GIL released): a leak at each of 50 junctions.
junctions = model.junction_names[:50]
runs = ot.run_scenarios(model, [ot.Leak(j, 0.8) for j in junctions])
lowest = pd.Series([r.node["pressure"][junctions].min().min() for r in runs], index=junctions)
print("lowest junction pressure by leak site:")
print(lowest.nsmallest(3).round(3).to_string())

# Errors carry EPANET's numbers and the line and field.
try:
    ot.read_inp("[JUNCTIONS]\n J1 10 5\n J2 twelve 5\n[RESERVOIRS]\n R1 60\n[PIPES]\n P1 R1 J1 300 200 120 0\n")
except ot.InpError as e:
    print(type(e).__name__, e.code, e.line, e.section, e.field, e.problems[0].message)
try:
    ot.read_inp("tests/networks/no-source-component.inp").run()
except ot.HydraulicsError as e:
    print(type(e).__name__, e.code, e.junction)
