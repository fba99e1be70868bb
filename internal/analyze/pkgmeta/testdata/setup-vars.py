from setuptools import setup
import versioneer

cmds = versioneer.get_cmdclass()
cmds["build_py"] = custom.BuildPy
cmds.update(dict(egg_info=EggInfo, sdist=Sdist))

setup(name=NAME, version=versioneer.get_version(), cmdclass=cmds)
