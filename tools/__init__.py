"""The course's tools: the notebook runner and course site (`python -m tools.run_notebooks`),
the Rust kernel's registration and warm build directory (install_kernel, warm_kernel), the
notebook client shared with the grader (kernel_client, late_output), the one list of
notebooks and limits (course), and benchmarks. Run each script as a module from the
repository root; the student kit ships a few of these modules.
"""
