# The default image of Penstock's step pods (--kubernetes-image, penstock-step:0.1.0). Build:
#   docker build -f deploy/step.Dockerfile -t penstock-step:0.1.0 deploy
# A step pod runs `python3` with Penstock's runner, the step's code and its inputs mounted from a
# per-attempt Secret, so nothing of Penstock is in here: any image with python3 (and pip, for
# packageRequirements) can take its place, per server or per pipeline.
FROM python:3.12-slim

# Preinstalled because steps commonly pass DataFrames; pinned so that a rebuild changes nothing.
ARG NUMPY_VERSION=2.1.3
ARG PANDAS_VERSION=2.2.3
ARG PYARROW_VERSION=18.1.0
RUN pip install --no-cache-dir --disable-pip-version-check \
        "numpy==${NUMPY_VERSION}" "pandas==${PANDAS_VERSION}" "pyarrow==${PYARROW_VERSION}" \
    && python -c "import pandas, pyarrow"

# uid 1000 with a home, so pip can install for the user (PYTHONUSERBASE) when site-packages are
# not writable. A numeric USER lets Kubernetes check runAsNonRoot.
RUN groupadd --gid 1000 penstock \
    && useradd --uid 1000 --gid penstock --create-home --shell /usr/sbin/nologin penstock \
    && install -d -o penstock -g penstock -m 0755 /penstock /penstock/work
# Unbuffered, so that a step's prints reach the pod's log as they happen.
ENV PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
USER 1000:1000
WORKDIR /penstock/work
CMD ["python3"]
