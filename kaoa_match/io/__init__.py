"""Reading and writing the files of the data contract."""

from kaoa_match.io.inputs import check_input, check_inputs, read_input
from kaoa_match.io.read import check_dir, read_dir, read_previous
from kaoa_match.io.write_plan import write_plan
from kaoa_match.io.write_problem import write_problem
from kaoa_match.io.xlsx import check_xlsx, read_xlsx

__all__ = [
    "check_dir",
    "check_input",
    "check_inputs",
    "check_xlsx",
    "read_dir",
    "read_input",
    "read_previous",
    "read_xlsx",
    "write_plan",
    "write_problem",
]
