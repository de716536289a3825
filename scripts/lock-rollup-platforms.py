# The npm registry reachable here serves only the linux builds of rollup's platform packages, so
# `npm install` leaves the other platforms out of package-lock.json and `npm ci` then refuses the lock.
# Run after any `npm install`: adds the missing optional entries (never installed off their platform).
# usage: python3 scripts/lock-rollup-platforms.py package-lock.json
import json, sys, re
path = sys.argv[1]
lock = json.load(open(path))
pk = lock['packages']
rollup = pk.get('node_modules/rollup')
version = rollup['version']
added = []
for name, v in rollup.get('optionalDependencies', {}).items():
    key = 'node_modules/' + name
    if key in pk: continue
    plat = name.split('/rollup-')[1]
    parts = plat.split('-')
    os_ = parts[0]
    cpu = parts[1]
    entry = {'version': v, 'cpu': [cpu], 'dev': True, 'license': 'MIT', 'optional': True, 'os': [os_]}
    if os_ == 'linux':
        entry['libc'] = ['musl' if 'musl' in plat else 'glibc']
    pk[key] = dict(sorted(entry.items()))
    added.append(name)
lock['packages'] = dict(sorted(pk.items(), key=lambda kv: (kv[0] != '', kv[0])))
json.dump(lock, open(path, 'w'), indent=2)
open(path, 'a').write('\n')
print('added', len(added))
