"""Where ``{{NAME}}`` values come from, and which of them are secrets.

* :mod:`.sources` -- the four sources of values (environment, Voiden's YAML
  environments, a ``.env`` file, the command line) and substitution;
* :mod:`.faker` -- Voiden's ``{{$faker.…}}`` variables;
* :mod:`.masking` -- secret values masked in everything shown or written.

Nothing is imported here, so that a front end pays only for the module it uses.
"""
