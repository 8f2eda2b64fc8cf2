"""Run WNTR's EpanetSimulator on networks and pickle the results, one file each.

Run as a child process with PYTHONPATH naming a copy of the `wntr` package whose
EPANET library was replaced, so that one process loads exactly one library (and a
crash stays in the child). Usage: run_wntr.py OUT_DIR NETWORK.inp...; writes
OUT_DIR/<i>.pkl for the i-th network, or OUT_DIR/<i>.err with the error.
"""

import os
import pickle
import sys
import traceback

import wntr


def simulate(inp):
    wn = wntr.network.WaterNetworkModel(inp)
    results = wntr.sim.EpanetSimulator(wn).run_sim(file_prefix="run")
    frames = {f"node/{k}": v for k, v in results.node.items()}
    frames.update({f"link/{k}": v for k, v in results.link.items()})
    return frames


def main(out_dir, inps):
    for i, inp in enumerate(inps):
        # EpanetSimulator writes its temp .inp/.rpt/.bin in the working directory.
        work = os.path.join(out_dir, str(i))
        os.makedirs(work, exist_ok=True)
        os.chdir(work)
        try:
            frames = simulate(inp)
        except Exception:
            with open(os.path.join(out_dir, f"{i}.err"), "w") as f:
                f.write(traceback.format_exc())
            continue
        with open(os.path.join(out_dir, f"{i}.pkl"), "wb") as f:
            pickle.dump({"wntr_file": wntr.__file__, "frames": frames}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
