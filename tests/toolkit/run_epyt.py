"""Drive EPyT 1.2.2 (the EPyT release for EPANET 2.2) on networks with one EPANET
library and pickle what it returns, one file per network.

Run as a child process (EPyT's import is slow, and a crash stays in the child), with
sys.path naming the directory EPyT 1.2.2 was installed into (`pip install --target`).
Usage: run_epyt.py EPYT_DIR LIBRARY OUT_DIR NETWORK.inp...; writes OUT_DIR/<i>.pkl
for the i-th network, or OUT_DIR/<i>.err with the error.
"""

import os
import pickle
import shutil
import sys
import traceback

import numpy as np

GETTERS = [
    "getNodeCount", "getLinkCount", "getNodeNameID", "getLinkNameID", "getNodeType",
    "getLinkType", "getNodeElevations", "getNodeBaseDemands", "getNodeDemandPatternIndex",
    "getNodeEmitterCoeff", "getNodeInitialQuality", "getNodeTankInitialLevel",
    "getNodeTankMaximumWaterLevel", "getNodeTankMinimumWaterLevel", "getNodeTankDiameter",
    "getLinkLength", "getLinkDiameter", "getLinkRoughnessCoeff", "getLinkMinorLossCoeff",
    "getLinkInitialStatus", "getLinkInitialSetting", "getLinkNodesIndex",
    "getLinkBulkReactionCoeff", "getLinkWallReactionCoeff", "getPatternNameID",
    "getPattern", "getCurveCount", "getControlRulesCount", "getRuleCount",
    "getTimeSimulationDuration", "getTimeHydraulicStep", "getTimeQualityStep",
    "getTimeReportingStep", "getTimePatternStep", "getFlowUnits",
    "getOptionsHeadLossFormula", "getQualityType", "getVersion",
]


def plain(value):
    """EPyT's results (namespaces, dicts of per-step arrays, numpy values) as plain
    Python/numpy values that compare with `==` after pickling."""
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return {k: plain(v) for k, v in vars(value).items() if not k.startswith("_")}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        try:
            return np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def call(d, name, *args):
    try:
        return plain(getattr(d, name)(*args))
    except Exception as e:  # what EPyT raises is part of what is compared
        return f"raised {type(e).__name__}: {e}"


def drive(epanet, lib, inp):
    d = epanet(inp, customlib=lib, display_msg=False)
    out = {name: call(d, name) for name in GETTERS}
    controls = d.getControlRulesCount() if hasattr(d, "getControlRulesCount") else 0
    out["getControls"] = call(d, "getControls") if controls else None
    # EPyT rebuilds each rule's text from EN_getpremise/EN_getthenaction/EN_getelseaction.
    out["getRules"] = call(d, "getRules") if d.getRuleCount() else None
    out["hydraulics"] = call(d, "getComputedHydraulicTimeSeries")
    out["quality"] = call(d, "getComputedQualityTimeSeries")
    # What users do next: change a demand, a status, a diameter, a pattern, a control;
    # then run again.
    junction = d.getNodeJunctionIndex()[0]
    pipe = d.getLinkPipeIndex()[0]
    demand = d.getNodeBaseDemands(junction)[1]
    out["setNodeBaseDemands"] = call(d, "setNodeBaseDemands", junction, 2 * demand + 1.0)
    out["setLinkInitialStatus"] = call(d, "setLinkInitialStatus", pipe, 0)
    last = d.getLinkPipeIndex()[-1]
    out["setLinkDiameter"] = call(d, "setLinkDiameter", last, 1.5 * d.getLinkDiameter(last))
    if d.getPatternCount():
        pattern = np.asarray(d.getPattern()[0], dtype=float)
        out["setPattern"] = call(d, "setPattern", 1, list(1.1 * pattern[np.isfinite(pattern)]))
    out["addControls"] = call(d, "addControls",
                              f"LINK {d.getLinkNameID(pipe)} OPEN AT TIME 2")
    out["after/getNodeBaseDemands"] = call(d, "getNodeBaseDemands")
    out["after/getControls"] = call(d, "getControls")
    out["after/hydraulics"] = call(d, "getComputedHydraulicTimeSeries")
    out["after/quality"] = call(d, "getComputedQualityTimeSeries")
    d.unload()
    return out


def main(epyt_dir, lib, out_dir, inps):
    sys.path.insert(0, epyt_dir)
    from epyt import epanet
    for i, inp in enumerate(inps):
        # EPyT writes its temp files next to the input file: work on a copy.
        work = os.path.join(out_dir, str(i))
        os.makedirs(work, exist_ok=True)
        copy = shutil.copy(inp, os.path.join(work, "net.inp"))
        try:
            result = drive(epanet, lib, copy)
        except Exception:
            with open(os.path.join(out_dir, f"{i}.err"), "w") as f:
                f.write(traceback.format_exc())
            continue
        with open(os.path.join(out_dir, f"{i}.pkl"), "wb") as f:
            pickle.dump(result, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
