"""The one place a Spark session is made: local mode, offline, quiet.

PySpark is an optional extra (the `spark` extra, with Java 17+): it is imported
here and in the Spark engines only, and `require_pyspark` turns its absence into one clear line.
The session binds to 127.0.0.1, has no UI, keeps its scratch files in a temporary folder and
downloads nothing: the only jar it adds is Splink's similarity UDF jar, which ships inside the
splink wheel. `SPARK_MASTER` (e.g. `spark://host:7077`) points it at a cluster instead.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from guetteur.errors import GuetteurError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MISSING = (
    "--engine spark needs PySpark, which is not installed "
    "(pip install pyspark==4.3.0, with Java 17+); use the default engine instead"
)
NO_JAVA = "--engine spark needs Java 17+ (no `java` on PATH and no JAVA_HOME)"


def require_pyspark() -> None:
    """Raise one clear error when PySpark is not installed."""
    if importlib.util.find_spec("pyspark") is None:
        raise GuetteurError(MISSING)


def java_available() -> bool:
    """Whether a Java runtime can be found (JAVA_HOME or `java` on PATH)."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return True
    return shutil.which("java") is not None


def local_cores() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def splink_jar() -> str | None:
    """Splink's similarity UDF jar (jaro_winkler and friends), shipped inside the splink wheel."""
    try:
        from splink.backends.spark import similarity_jar_location
    except ImportError:  # pragma: no cover - splink is a core dependency
        return None
    path = similarity_jar_location()
    return path if Path(path).is_file() else None


LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = stderr
appender.console.type = Console
appender.console.name = stderr
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


def _log_config(scratch: Path) -> Path:
    """A log4j2 configuration showing the JVM's errors only (Spark's default shows warnings)."""
    path = scratch / "log4j2.properties"
    path.write_text(LOG4J2, encoding="utf-8")
    return path


def _options(app_name: str, scratch: Path) -> dict[str, str]:
    cores = local_cores()
    options = {
        "spark.app.name": app_name,
        "spark.master": os.environ.get("SPARK_MASTER", f"local[{cores}]"),
        "spark.api.mode": "classic",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.warehouse.dir": str(scratch / "warehouse"),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": str(2 * cores),
        "spark.default.parallelism": str(2 * cores),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.python.worker.reuse": "true",
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={_log_config(scratch)}",
    }
    jar = splink_jar()
    if jar:
        options["spark.jars"] = jar
    return options


def spark_session(app_name: str = "guetteur") -> SparkSession:
    """The active Spark session, or a new offline local one (one JVM per process)."""
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    if not java_available():
        raise GuetteurError(NO_JAVA)
    # Python workers must run this interpreter (it has guetteur and its dependencies).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    scratch = Path(tempfile.mkdtemp(prefix="guetteur-spark-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    os.environ.setdefault("SPARK_LOCAL_DIRS", str(scratch / "local"))
    builder = SparkSession.builder
    for key, value in _options(app_name, scratch).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(scratch / "checkpoints"))
    return session
