"""The analysis rules, one module each. A module named after its code (`cap001.py`) holds one `Rule` subclass
decorated with `@rule`; nothing else needs to change to add one."""
