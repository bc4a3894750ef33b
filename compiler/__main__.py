from .cli import main

main(prog_name="designc")  # usage lines and completion name the command, not `python -m designc`
