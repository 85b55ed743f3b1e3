"""Penstock's values by reference: what a step passes on as a file.

Outputs travel inline, as JSON in result.json, but some cannot or should
not: a pandas DataFrame, bytes, a file, JSON larger than the server keeps
inline, an object only pickle can carry (for an output of type ANY). The
runner stores those under WORK_DIR/.penstock-values/ and lists them in result.json's
"references"; a step that consumes one gets it back through request.json's
"artifact_inputs", loaded before its function is called. penstock_runner's
docstring lists the fields.

Standard library only: pandas and pyarrow are imported when a value needs
them (a returned DataFrame has loaded pandas already), and the rest of what
storing takes (pickle, shutil, mimetypes) only when something is stored.
"""

import json
import math
import os
import sys

VALUES_FOLDER = ".penstock-values"  # not a name a step would pick for its own files
ANY = "ANY"
ATTACHMENT = "ATTACHMENT"
PICKLE_PROTOCOL = 5
MEASURE_FACTOR = 10  # past this many times the limit, stop counting (as the runner does)
PREVIEW_BYTES = 4096  # the most JSON a table's preview takes
PREVIEW_TEXT = 200  # characters of a JSON value's text, or of a repr
PREVIEW_CELL = 100  # characters of a table's cell or column name
PREVIEW_ROWS = 5
PREVIEW_COLUMNS = 50
OCTET_STREAM = "application/octet-stream"
PICKLE_TYPE = "application/x-python-pickle"
PARQUET_TYPE = "application/vnd.apache.parquet"
JSON_TYPE = "application/json"
# The runner's encoder: what is JSON here is JSON inline.
ENCODER = json.JSONEncoder(allow_nan=False)


class Refused(Exception):
    """A step whose inputs or outputs cannot be passed: fails it with status."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message

    def result(self):
        return json.dumps({"status": self.status, "message": self.message})


class NotJson(Exception):
    """The value has no JSON (the encoder refused it)."""


class GaveUp(Exception):
    """A file grew so far past its limit that counting on is not worth it."""


# Inputs


def load_inputs(inputs, work_dir):
    """request.json's "artifact_inputs", loaded: the values by argument name.

    A MemoryError goes to the runner, which reports memory_exceeded; any
    other failure refuses the step (input_error) before its function runs.
    """
    return {argument: load_input(argument, spec, work_dir)
            for argument, spec in inputs.items()}


def load_input(argument, spec, work_dir):
    spec = spec if isinstance(spec, dict) else {}
    form = spec.get("format")
    try:
        return READERS[form](os.path.join(work_dir, spec["file"]))
    except MemoryError:
        raise
    except Exception as exc:
        raise Refused(
            "input_error",
            f"cannot read input '{argument}' (artifact '{spec.get('name')}'"
            f" of step '{spec.get('producer')}', {form}):"
            f" {type_name(type(exc))}: {exc}") from None


def read_parquet(path):
    import pandas
    return pandas.read_parquet(path)


def read_pickle(path):
    import pickle
    with open(path, "rb") as file:
        return pickle.load(file)


def read_json(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def read_bytes(path):
    with open(path, "rb") as file:
        return file.read()


def file_path(path):
    """The file's absolute path: the step opens it itself."""
    os.stat(path)  # a missing file fails here, not in the step
    return os.path.abspath(path)


class UnknownFormat(dict):
    def __missing__(self, form):
        raise ValueError(f"Penstock knows no artifact format {form!r}")


READERS = UnknownFormat(parquet=read_parquet, pickle=read_pickle,
                        json=read_json, bytes=read_bytes, file=file_path)


# Outputs


def declared_values(returned, declared):
    """(key, output, value) for each declared output, found as the server
    finds it (docs/abacus-api.md §7, rule 3): a dict whose keys are exactly
    the declared names holds one value each, under its name; with one output
    declared, anything else is that output's whole value, under key "". With
    several declared and no such dict, nothing: the server reports it.
    """
    names = {output["name"] for output in declared}
    if isinstance(returned, dict) and set(returned) == names:
        return [(output["name"], output, returned[output["name"]])
                for output in declared]
    if len(declared) == 1:
        return [("", declared[0], returned)]
    return []


class Storage:
    """Stores a step's outputs by reference under work_dir/.penstock-values/.

    inline_limit: the most bytes of JSON an output keeps inline (0: any);
    max_bytes: the most one stored value may take (0: any). format_size and
    too_deep are the runner's, passed in because the runner runs as
    __main__ (importing it by name would load it a second time).
    """

    def __init__(self, work_dir, inline_limit, max_bytes, format_size,
                 too_deep):
        self.work_dir = work_dir
        self.inline_limit = inline_limit
        self.max_bytes = max_bytes
        self.format_size = format_size
        self.too_deep = too_deep
        self.written = []  # absolute paths, to discard if the step fails

    def store_outputs(self, returned, declared):
        """Stores what goes by reference; returns what stays inline (null in
        place of each stored value) and the references by key. A failure
        discards what it stored before it raises."""
        references = {}
        try:
            for key, output, value in declared_values(returned, declared):
                reference = self.store(output["name"], output.get("type"),
                                       value)
                if reference is not None:
                    references[key] = reference
        except BaseException:
            self.discard()
            raise
        if not references:
            return returned, {}
        if "" in references:
            return None, references
        inline = dict(returned)
        inline.update(dict.fromkeys(references))
        return inline, references

    def discard(self):
        """Removes every file stored: the step failed after all."""
        for path in self.written:
            remove(path)
        for path in self.written:  # then the folders left empty
            folder = os.path.dirname(path)
            while os.path.abspath(folder) != os.path.abspath(self.work_dir):
                try:
                    os.rmdir(folder)
                except OSError:
                    break
                folder = os.path.dirname(folder)
        self.written = []

    def store(self, name, output_type, value):
        """value's reference, once stored; None when it stays inline."""
        if not isinstance(name, str) or not name.isidentifier():
            return None  # not safe as a file name: the server declares none
        if is_data_frame(value):
            return self.store_table(name, value)
        if isinstance(value, (bytes, bytearray, memoryview)):
            return self.store_bytes(name, value)
        source = file_named(value, output_type)
        if source is not None:
            return self.store_file(name, value, source)
        if (not self.inline_limit and output_type != ANY) or self.too_deep(
                value):
            return None  # inline; the runner refuses a value nested too deep
        try:
            return self.store_json(name, value)
        except NotJson:
            if output_type == ANY:
                return self.store_object(name, value)
            return None  # the runner refuses it, saying why

    def store_table(self, name, table):
        """A DataFrame, as Parquet when pyarrow is there, else as a pickle.

        A frame Parquet cannot hold (column names that are not strings,
        object columns of mixed types) goes as a pickle too.
        """
        if parquet_available():
            relative = f"{VALUES_FOLDER}/{name}.parquet"
            try:
                self.write(name, table, "parquet", relative,
                           lambda path: table.to_parquet(with_folder(path)))
                return self.reference(relative, "table", "parquet",
                                      PARQUET_TYPE, table,
                                      preview=table_preview(table))
            except Refused as refusal:
                if refusal.status != "not_serializable":
                    raise
        relative = f"{VALUES_FOLDER}/{name}.pkl"
        self.write(name, table, "pickle", relative, self.pickled(table))
        return self.reference(relative, "table", "pickle", PICKLE_TYPE,
                              table, preview=table_preview(table))

    def store_bytes(self, name, value):
        if isinstance(value, memoryview) and not value.c_contiguous:
            value = value.tobytes()
        size = memoryview(value).nbytes
        self.check_size(name, "bytes", size)

        def write(path):
            with open(with_folder(path), "wb") as file:
                file.write(value)

        relative = f"{VALUES_FOLDER}/{name}.bin"
        self.write(name, value, "bytes", relative, write)
        return self.reference(relative, "bytes", "bytes", OCTET_STREAM, value,
                              preview={"bytes": size})

    def store_file(self, name, value, source):
        """A copy of the file, never a link: the step's own file may change
        or go once the step is over."""
        import shutil
        if not os.path.isfile(source):
            why = ("is not a regular file" if os.path.exists(source)
                   else "does not exist")
            raise Refused("not_serializable",
                          f"output '{name}': the file {source} {why}")
        base = os.path.basename(source)
        self.check_size(name, "file", os.path.getsize(source))

        def copy(path):
            try:
                shutil.copyfile(source, with_folder(path))
            except shutil.SameFileError:
                pass  # the step wrote it there itself

        relative = f"{VALUES_FOLDER}/{name}/{base}"
        self.write(name, value, "file", relative, copy)
        return self.reference(relative, "file", "file",
                              content_type_of(base), value,
                              preview={"name": base})

    def store_json(self, name, value):
        """value's JSON, as a file when it is over the inline limit; None
        when it stays inline. Encoded piece by piece: the whole text is
        never in memory. Raises NotJson when there is no JSON for it."""
        relative = f"{VALUES_FOLDER}/{name}.json"
        text, pending, size, file = "", [], 0, None

        def write(path):
            nonlocal text, pending, size, file
            try:
                for chunk in ENCODER.iterencode(value):
                    size += len(chunk)  # ASCII: ensure_ascii escapes the rest
                    if len(text) < PREVIEW_TEXT:
                        text += chunk[:PREVIEW_TEXT - len(text)]
                    if file is not None:
                        file.write(chunk)
                    elif self.inline_limit:
                        pending.append(chunk)
                        if size > self.inline_limit:
                            file = CappedFile(
                                open(with_folder(path), "w", encoding="ascii"),
                                self.max_bytes)
                            file.write("".join(pending))
                            pending = None
            except (TypeError, ValueError, RecursionError) as exc:
                raise NotJson(exc) from None
            finally:
                if file is not None:
                    file.close()
            return file.size if file is not None else None

        if self.write(name, value, "json", relative, write) is None:
            return None
        json_type = json_type_of(value)
        length = len(value) if isinstance(value, (str, list, tuple, dict)) \
            else None
        return self.reference(
            relative, "json", "json", JSON_TYPE, value, json_type=json_type,
            preview={"json_type": json_type, "length": length, "text": text})

    def store_object(self, name, value):
        relative = f"{VALUES_FOLDER}/{name}.pkl"
        self.write(name, value, "pickle", relative, self.pickled(value))
        return self.reference(relative, "object", "pickle", PICKLE_TYPE,
                              value, preview={"repr": short_repr(value)})

    def pickled(self, value):
        """A writer of value's pickle, for write."""

        def write(path):
            import pickle
            with open(with_folder(path), "wb") as file:
                capped = CappedFile(file, self.max_bytes)
                pickle.dump(value, capped, protocol=PICKLE_PROTOCOL)
            return capped.size

        return write

    def write(self, name, value, form, relative, writer):
        """Runs writer(path), which may return the bytes it wrote; checks
        them against max_bytes. Whatever goes wrong, the file is removed and
        the step refused, saying why (a MemoryError goes to the runner, and
        NotJson to store)."""
        path = os.path.join(self.work_dir, relative)
        self.written.append(path)
        try:
            size = writer(path)
            if size is None and os.path.exists(path):
                size = os.path.getsize(path)
        except GaveUp:
            remove(path)
            raise self.too_large(name, form, None) from None
        except (MemoryError, NotJson):
            remove(path)
            raise
        except Exception as exc:
            remove(path)
            raise Refused(
                "not_serializable",
                f"output '{name}' ({type_name(type(value))}) could not be"
                f" stored as {form}: {type_name(type(exc))}: {exc}") from None
        except BaseException:
            remove(path)
            raise
        if size is not None:
            try:
                self.check_size(name, form, size)
            except Refused:
                remove(path)
                raise
        return size

    def check_size(self, name, form, size):
        if self.max_bytes and size > self.max_bytes:
            raise self.too_large(name, form, size)

    def too_large(self, name, form, size):
        """The refusal of a value of size bytes, or (None) of more than
        MEASURE_FACTOR times the limit; worded as the runner words it."""
        limit = self.format_size(self.max_bytes)
        if size is None:
            measured = "more than " + self.format_size(
                self.max_bytes * MEASURE_FACTOR)
        else:
            measured = self.format_size(size)
            if measured == limit:  # "1 GB, over the limit of 1 GB" says nothing
                measured, limit = f"{size} bytes", f"{self.max_bytes} bytes"
        return Refused(
            "output_too_large",
            f"output '{name}' is {measured} as {form}, over the limit of"
            f" {limit} (max-artifact-size)")

    def reference(self, relative, kind, form, content_type, value,
                  json_type=None, preview=None):
        return {"file": relative, "kind": kind, "format": form,
                "content_type": content_type,
                "type_name": type_name(type(value)), "json_type": json_type,
                "preview": preview}


class CappedFile:
    """Writes to file up to max_bytes (0: no limit); past that it only
    counts, so a value far over the limit does not fill the disk, and past
    MEASURE_FACTOR times the limit it gives up (raises GaveUp)."""

    def __init__(self, file, max_bytes):
        self.file = file
        self.max_bytes = max_bytes
        self.size = 0

    def write(self, data):
        length = len(data) if isinstance(data, (str, bytes)) \
            else memoryview(data).nbytes
        self.size += length
        if not self.max_bytes or self.size <= self.max_bytes:
            self.file.write(data)
        elif self.size > self.max_bytes * MEASURE_FACTOR:
            raise GaveUp()
        return length

    def close(self):
        self.file.close()


def with_folder(path):
    """path, once its folder exists."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def is_data_frame(value):
    """Whether value is a pandas DataFrame, without importing pandas."""
    kind = type(value)
    return kind.__name__ == "DataFrame" and kind.__module__.startswith("pandas")


def file_named(value, output_type):
    """The path of the file value names, or None: a path object always
    names one; a string does when the output is an ATTACHMENT and a file of
    that name exists (relative to the step's working directory)."""
    pathlib = sys.modules.get("pathlib")  # a path object has loaded it
    if pathlib is not None and isinstance(value, pathlib.PurePath):
        return os.fspath(value)
    if output_type == ATTACHMENT and isinstance(value, str) and \
            os.path.isfile(value):
        return value
    return None


def parquet_available():
    try:
        import pyarrow  # noqa: F401
    except Exception:  # not installed, or broken
        return False
    return True


def content_type_of(file_name):
    import mimetypes
    try:
        found = mimetypes.guess_type(file_name)[0]
    except OSError:  # a system list it may not read (in a sandbox): without
        found = mimetypes.MimeTypes().guess_type(file_name)[0]
    return found or OCTET_STREAM


def json_type_of(value):
    """What JSON calls value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    return "array"  # what else the encoder takes: lists and tuples


def type_name(kind):
    """The type's name as Python's traceback prints it: module.qualname,
    without builtins."""
    module = kind.__module__
    if module in ("builtins", "__main__"):
        return kind.__qualname__
    return f"{module}.{kind.__qualname__}"


def short_repr(value):
    """repr(value), cut at PREVIEW_TEXT characters; reprlib keeps a large
    list or dict from being written out whole first."""
    import reprlib
    shortener = reprlib.Repr()
    shortener.maxstring = shortener.maxother = PREVIEW_TEXT
    try:
        text = shortener.repr(value)
    except Exception as exc:  # a __repr__ that fails
        text = f"<{type_name(type(value))}: repr failed: {exc!r}>"
    return text[:PREVIEW_TEXT]


def table_preview(table):
    """Rows, columns and the first rows of a DataFrame, in about
    PREVIEW_BYTES of JSON. A preview that fails leaves it out: it never
    fails the step."""
    try:
        width = min(len(table.columns), PREVIEW_COLUMNS)
        columns = [{"name": str(name)[:PREVIEW_CELL], "dtype": str(dtype)}
                   for name, dtype in zip(table.columns[:width],
                                          table.dtypes.iloc[:width])]
        head = [[json_cell(cell) for cell in row]
                for row in table.iloc[:PREVIEW_ROWS, :width].itertuples(
                    index=False, name=None)]
        preview = {"rows": len(table), "column_count": len(table.columns),
                   "columns": columns, "head": head}
        while len(json.dumps(preview)) > PREVIEW_BYTES and len(head) > 1:
            head.pop()
        while len(json.dumps(preview)) > PREVIEW_BYTES and columns:
            columns.pop()
            for row in head:
                del row[len(columns):]
        return preview
    except MemoryError:
        raise
    except Exception:
        return None


def json_cell(cell):
    """A table's cell as JSON: numbers, booleans and nulls as they are,
    missing values (NaN, NA, NaT) as null, anything else as cut text."""
    kind = type(cell)
    if kind.__module__ == "numpy" and hasattr(cell, "item"):
        cell = cell.item()  # a NumPy scalar: the Python value it holds
        kind = type(cell)
    if cell is None or isinstance(cell, (bool, int)):
        return cell
    if isinstance(cell, float):
        return cell if math.isfinite(cell) else None
    if kind.__name__ in ("NAType", "NaTType"):
        return None
    return str(cell)[:PREVIEW_CELL]
