//! The core's models and state enums as uniffi records and enums, expanded from core's one
//! declaration (`mikopbx::for_each_model!`): a field added in core appears here by itself.
//! JSON values (`raw`, `fields`) are JSON text; states keep unknown strings as `Other`.

use std::fmt;

use crate::ffi::IntoFfi;

macro_rules! uniffi_models {
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
            $(#[doc = $enum_doc])*
            /// `toString()` / `description` is the server's string, as `raw()`.
            #[derive(uniffi::Enum, Debug, Clone, PartialEq, Eq)]
            #[uniffi::export(Display)]
            pub enum $enum {
                $( $(#[doc = $variant_doc])* $variant, )+
                /// A value this SDK does not know: the server's exact string.
                Other { value: String },
            }

            impl IntoFfi for mikopbx::$enum {
                type Ffi = $enum;
                fn into_ffi(self) -> $enum {
                    match self {
                        $( mikopbx::$enum::$variant => $enum::$variant, )+
                        mikopbx::$enum::Other(value) => $enum::Other { value },
                    }
                }
            }

            #[uniffi::export]
            impl $enum {
                /// The server's string for this state (`"OK"`, `"REJECTED"`, ...).
                pub fn raw(&self) -> String {
                    match self {
                        $( $enum::$variant => $text.to_owned(), )+
                        $enum::Other { value } => value.clone(),
                    }
                }
            }

            impl fmt::Display for $enum {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str(&self.raw())
                }
            }
        )*
        $(
            $(#[doc = $doc])*
            #[derive(uniffi::Record, Debug, Clone, PartialEq)]
            pub struct $model {
                $( $(#[doc = $field_doc])* pub $field: <$type as IntoFfi>::Ffi, )*
            }

            impl IntoFfi for mikopbx::$model {
                type Ffi = $model;
                fn into_ffi(self) -> $model {
                    $model { $( $field: self.$field.into_ffi(), )* }
                }
            }
        )*
    };
}

mikopbx::for_each_model!(uniffi_models);

/// The core's models and state enums as JSON (`{"models": [{name, doc, fields}], "enums":
/// [{name, values}]}`): what the classes above carry, for checks and tools.
#[uniffi::export]
pub fn models_json() -> String {
    mikopbx::models_json().to_string()
}
