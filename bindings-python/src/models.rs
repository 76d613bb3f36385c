//! The core's models as immutable Python classes, expanded from core's one declaration
//! (`mikopbx::for_each_model!`): a getter per field and per declared method, `to_dict()` (the
//! core's serde JSON form, the shape `mikopbx --format json` prints) and `repr()`. States are
//! members of the Python enums in `mikopbx._enums` (generated from the same declaration by
//! `make python-stubs`), with the server's exact string beside them (`state_raw`).

use std::hash::{Hash, Hasher};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::pyclass::PyClass;
use pyo3::pyclass_init::PyClassInitializer;
use serde::Serialize;
use serde_json::{Value, json};

use crate::convert::to_py;
use crate::errors::invalid_input;
use crate::pythonic::{Field, IntoPython, PyStub, ToPython, quote};

/// The model's serde JSON form as Python objects.
fn dict_of<'py>(py: Python<'py>, model: &impl Serialize) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(model).map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    to_py(py, &value)
}

/// A model as a new Python object, off the cyclic garbage collector's list. pyo3 makes every
/// class a GC type, but a model holds no Python objects, so it can never be part of a cycle;
/// tracked, the 10,000 models of a big list made each collection walk them (a big
/// `peer_statuses()` took about 4 ms more, docs/performance.md). CPython leaves its own
/// containers of atomic values (tuples, dicts of strings) untracked the same way.
fn new_model<'py, T: PyClass>(py: Python<'py>, model: impl Into<PyClassInitializer<T>>) -> PyResult<Bound<'py, T>> {
    let object = Bound::new(py, model)?;
    // SAFETY: `object` is alive and of a GC type (pyo3 allocates its classes tracked); pyo3's
    // deallocation untracks only an object still tracked.
    unsafe { pyo3::ffi::PyObject_GC_UnTrack(object.as_ptr().cast()) };
    Ok(object)
}

/// An operation's model result on its way to Python: made by [`new_model`].
pub struct ModelObject<T>(T);

impl<'py, T: PyClass + Into<PyClassInitializer<T>>> IntoPyObject<'py> for ModelObject<T> {
    type Target = T;
    type Output = Bound<'py, T>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, T>> {
        new_model(py, self.0)
    }
}

/// The Python name of an enum member: `NonQualified` → `NON_QUALIFIED`.
pub fn member_name(variant: &str) -> String {
    let mut name = String::with_capacity(variant.len() + 4);
    for (i, c) in variant.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            name.push('_');
        }
        name.extend(c.to_uppercase());
    }
    name
}

/// The members of the enum `class` of `mikopbx._enums`, one per variant name, in that order.
fn enum_members(py: Python<'_>, class: &str, variants: &[&str]) -> PyResult<Vec<Py<PyAny>>> {
    let class = py.import("mikopbx._enums")?.getattr(class)?;
    variants.iter().map(|variant| Ok(class.getattr(member_name(variant))?.unbind())).collect()
}

macro_rules! python_models {
    (
        enums { $(
            $(#[doc = $enum_doc:literal])*
            enum $enum:ident { $( $(#[doc = $variant_doc:literal])* $variant:ident = $text:literal ),+ $(,)? }
        )* }
        models { $(
            $(#[doc = $doc:literal])*
            struct $model:ident {
                $( $(#[doc = $field_doc:literal])* $(#[serde($($serde:tt)*)])* $field:ident : $type:ty ),* $(,)?
            }
            methods { $( $(#[doc = $method_doc:literal])* $method:ident -> $method_type:ty ),* $(,)? }
        )* }
    ) => {
        $(
            impl ToPython for mikopbx::$enum {
                fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    // Looked up once: a big answer converts thousands of states.
                    const VARIANTS: &[&str] = &[$( stringify!($variant), )+ "Other"];
                    static MEMBERS: pyo3::sync::PyOnceLock<Vec<Py<PyAny>>> = pyo3::sync::PyOnceLock::new();
                    let members = MEMBERS.get_or_try_init(py, || enum_members(py, stringify!($enum), VARIANTS))?;
                    let variant = match self {
                        $( mikopbx::$enum::$variant => stringify!($variant), )+
                        mikopbx::$enum::Other(_) => "Other",
                    };
                    let index = VARIANTS.iter().position(|v| *v == variant).unwrap_or(VARIANTS.len() - 1);
                    members.get(index).map(|member| member.bind(py).clone()).ok_or_else(|| {
                        pyo3::exceptions::PyRuntimeError::new_err(concat!("mikopbx._enums.", stringify!($enum), " lacks a member"))
                    })
                }
                fn repr(&self) -> Option<String> {
                    Some(quote(self.as_str()))
                }
            }

            impl PyStub for mikopbx::$enum {
                fn stub() -> String {
                    stringify!($enum).to_owned()
                }
            }

            impl Field for mikopbx::$enum {
                fn hash_into<H: Hasher>(&self, state: &mut H) {
                    self.hash(state);
                }
                fn save(&self) -> Value {
                    Value::String(self.as_str().to_owned())
                }
                fn load(saved: &Value) -> Option<Self> {
                    saved.as_str().map(mikopbx::$enum::from_raw)
                }
            }
        )*
        $(
            $(#[doc = $doc])*
            #[pyclass(frozen, eq, hash, module = "mikopbx")]
            #[derive(PartialEq)]
            pub struct $model(pub mikopbx::$model);

            impl Hash for $model {
                fn hash<H: Hasher>(&self, state: &mut H) {
                    self.0.hash_into(state);
                }
            }

            impl Field for mikopbx::$model {
                fn hash_into<H: Hasher>(&self, state: &mut H) {
                    $( self.$field.hash_into(state); )*
                }
                fn save(&self) -> Value {
                    json!({ $( stringify!($field): self.$field.save() ),* })
                }
                fn load(saved: &Value) -> Option<Self> {
                    let fields = saved.as_object()?;
                    Some(mikopbx::$model { $( $field: Field::load(fields.get(stringify!($field))?)?, )* })
                }
            }

            #[pymethods]
            impl $model {
                $(
                    $(#[doc = $field_doc])*
                    #[getter]
                    fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                        self.0.$field.to_python(py)
                    }
                )*
                $(
                    $(#[doc = $method_doc])*
                    #[getter]
                    fn $method<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                        self.0.$method().to_python(py)
                    }
                )*

                /// The JSON form: the shape `mikopbx --format json` prints.
                fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    dict_of(py, &self.0)
                }

                fn __repr__(&self) -> String {
                    ToPython::repr(&self.0).unwrap_or_default()
                }

                /// Pickles as the model's name and every field's exact value.
                fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (&'static str, String))> {
                    let restore = py.import("mikopbx._native")?.getattr("_restore")?;
                    Ok((restore, (stringify!($model), self.0.save().to_string())))
                }
            }

            impl ToPython for mikopbx::$model {
                fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    Ok(new_model(py, $model(self.clone()))?.into_any())
                }
                fn repr(&self) -> Option<String> {
                    let parts: Vec<String> = [$( (stringify!($field), self.$field.repr()) ),*]
                        .into_iter()
                        .filter_map(|(name, shown)| shown.map(|shown| format!("{name}={shown}")))
                        .collect();
                    Some(format!("{}({})", stringify!($model), parts.join(", ")))
                }
            }

            impl PyStub for mikopbx::$model {
                fn stub() -> String {
                    stringify!($model).to_owned()
                }
            }

            impl IntoPython for mikopbx::$model {
                type Py = ModelObject<$model>;
                fn into_python(self) -> ModelObject<$model> {
                    ModelObject($model(self))
                }
            }
        )*

    };
}

mikopbx::for_each_model!(python_models);

/// Doc comment text without its indentation.
fn doc(text: &str) -> String {
    text.lines().map(str::trim).collect::<Vec<_>>().join("\n").trim().to_owned()
}

/// The models and enums as the stub generator reads them: names, docs, and each field's and
/// method's Python type.
pub fn schema() -> Value {
    let (mut enums, mut models) = (Vec::new(), Vec::new());
    macro_rules! describe {
        (
            enums { $(
                $(#[doc = $enum_doc:literal])*
                enum $enum:ident { $( $(#[doc = $variant_doc:literal])* $variant:ident = $text:literal ),+ $(,)? }
            )* }
            models { $(
                $(#[doc = $doc:literal])*
                struct $model:ident {
                    $( $(#[doc = $field_doc:literal])* $(#[serde($($serde:tt)*)])* $field:ident : $type:ty ),* $(,)?
                }
                methods { $( $(#[doc = $method_doc:literal])* $method:ident -> $method_type:ty ),* $(,)? }
            )* }
        ) => {
            $(
                enums.push(json!({
                    "name": stringify!($enum),
                    "doc": doc(concat!($($enum_doc, "\n"),*)),
                    "members": [$( {
                        "name": member_name(stringify!($variant)),
                        "value": $text,
                        "doc": doc(concat!($($variant_doc, "\n"),*)),
                    } ),+],
                }));
            )*
            $(
                models.push(json!({
                    "name": stringify!($model),
                    "doc": doc(concat!($($doc, "\n"),*)),
                    "fields": [$( {
                        "name": stringify!($field),
                        "type": <$type as PyStub>::stub(),
                        "doc": doc(concat!($($field_doc, "\n"),*)),
                    } ),*],
                    "methods": [$( {
                        "name": stringify!($method),
                        "type": <$method_type as PyStub>::stub(),
                        "doc": doc(concat!($($method_doc, "\n"),*)),
                    } ),*],
                }));
            )*
        };
    }
    mikopbx::for_each_model!(describe);
    json!({ "enums": enums, "models": models })
}

/// Adds every model class to the module.
pub fn add_classes(module: &Bound<'_, PyModule>) -> PyResult<()> {
    macro_rules! add {
        (
            enums { $( $(#[doc = $enum_doc:literal])* enum $enum:ident { $($variants:tt)* } )* }
            models { $(
                $(#[doc = $doc:literal])*
                struct $model:ident { $($fields:tt)* }
                methods { $($methods:tt)* }
            )* }
        ) => {
            $( module.add_class::<$model>()?; )*
        };
    }
    mikopbx::for_each_model!(add);
    Ok(())
}

/// A pickled model (`__reduce__`'s form), loaded again.
#[pyfunction(name = "_restore")]
pub fn restore<'py>(py: Python<'py>, model: &str, state: &str) -> PyResult<Bound<'py, PyAny>> {
    let damaged =
        || invalid_input(format!("cannot unpickle {model}: the pickle is damaged or from another SDK version"));
    let saved: Value = serde_json::from_str(state).map_err(|_| damaged())?;
    macro_rules! load {
        (
            enums { $( $(#[doc = $enum_doc:literal])* enum $enum:ident { $($variants:tt)* } )* }
            models { $(
                $(#[doc = $doc:literal])*
                struct $name:ident { $($fields:tt)* }
                methods { $($methods:tt)* }
            )* }
        ) => {
            match model {
                $( stringify!($name) => {
                    let value = <mikopbx::$name as Field>::load(&saved).ok_or_else(damaged)?;
                    return Ok(new_model(py, $name(value))?.into_any());
                } )*
                _ => {}
            }
        };
    }
    mikopbx::for_each_model!(load);
    Err(damaged())
}
