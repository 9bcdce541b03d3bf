# lit configuration for kiln's IR, import, CLI and model tests.
import os

import lit.formats

config.name = "kiln"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "tests", "lit")

config.environment["PATH"] = os.pathsep.join(
    [config.kiln_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
# Debian's Python (with onnx, numpy, torch) for the model generators.
inputs = os.path.join(config.test_source_root, "Inputs")
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%gen", f"{config.python} {inputs}/make_model.py"))
config.substitutions.append(("%export", f"{config.python} "
                             f"{config.kiln_src_root}/tests/models/export_models.py"))
config.substitutions.append(("%expect-exit", f"{config.python} {inputs}/expect_exit.py"))
