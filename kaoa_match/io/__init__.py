"""Reading and writing the files of the data contract."""

from kaoa_match.io.read import check_dir, read_dir, read_previous
from kaoa_match.io.write_plan import write_plan
from kaoa_match.io.write_problem import write_problem
from kaoa_match.io.xlsx import read_xlsx

__all__ = ["check_dir", "read_dir", "read_previous", "read_xlsx", "write_plan", "write_problem"]
