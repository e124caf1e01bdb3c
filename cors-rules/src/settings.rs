//! One owned value per key, at the key's position: the store `PolicyBuilder`, `PolicyConfig` and
//! the attribute fill, so that a new key needs no field in any of them.

use crate::{key, unknown_key, KeyId, KeyKind, PolicyInput, Value, KEYS, KEY_COUNT};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The value of one key, owned: what a builder call, a configuration file or the attribute gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    /// `"*"`, for a list key.
    Any,
    /// The entries of a list key, as given.
    Items(Vec<String>),
    /// The seconds of a [`KeyKind::Seconds`] key, as given.
    Seconds(i64),
    /// A [`KeyKind::Flag`] key, on.
    On,
}

impl Setting {
    /// Whether a key of `kind` can hold this value.
    pub fn fits(&self, kind: KeyKind) -> bool {
        match self {
            Setting::Any | Setting::Items(_) => kind.is_list(),
            Setting::Seconds(_) => kind == KeyKind::Seconds,
            Setting::On => kind == KeyKind::Flag,
        }
    }
}

/// A value given to a key that cannot hold it, or to a key that does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingError {
    /// No key has this name.
    UnknownKey(String),
    /// The key takes another kind of value.
    WrongKind {
        /// The key.
        key: KeyId,
        /// The value given.
        given: Setting,
    },
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingError::UnknownKey(name) => f.write_str(&unknown_key(name)),
            SettingError::WrongKind { key, .. } => {
                let takes = match key.key().kind {
                    KeyKind::Origins | KeyKind::Methods | KeyKind::HeaderNames => {
                        "`\"*\"` or a list of strings"
                    }
                    KeyKind::Seconds => "a whole number of seconds",
                    KeyKind::Flag => "no value: it is a flag, on when given",
                };
                write!(f, "`{}` takes {takes}", key.name())
            }
        }
    }
}

/// `core::error::Error` (stable since Rust 1.81, below the workspace's 1.85) keeps the crate
/// `no_std` and lets `?` turn the error into a `Box<dyn Error>`.
impl core::error::Error for SettingError {}

/// One optional [`Setting`] per key, at the key's position in [`KEYS`]. Lists are added to as
/// `PolicyBuilder`'s methods add to them ([`Settings::add`]), and [`Settings::with_input`] lends
/// the whole as the [`PolicyInput`] the rules read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    slots: [Option<Setting>; KEY_COUNT],
}

impl Default for Settings {
    fn default() -> Self {
        Settings::new()
    }
}

impl Settings {
    /// No key given.
    pub fn new() -> Self {
        Settings {
            slots: core::array::from_fn(|_| None),
        }
    }

    /// The value of `key`, if given.
    pub fn get(&self, key: KeyId) -> Option<&Setting> {
        self.slots[key.index()].as_ref()
    }

    /// The value of every key given, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (KeyId, &Setting)> + '_ {
        KEYS.iter()
            .zip(&self.slots)
            .filter_map(|(key, slot)| Some((key.id, slot.as_ref()?)))
    }

    /// Sets `key` to `setting`, replacing what was there.
    pub fn set(&mut self, key: KeyId, setting: Setting) -> Result<(), SettingError> {
        if !setting.fits(key.key().kind) {
            return Err(SettingError::WrongKind {
                key,
                given: setting,
            });
        }
        self.slots[key.index()] = Some(setting);
        Ok(())
    }

    /// Gives `key` the value `setting` as a builder call does: entries add to a list listed
    /// before, and seconds and flags replace what was there. `"*"` and a list given to one key,
    /// in either order, become a list holding a `"*"` entry: mixing "any" with a list is a mistake
    /// for the rules to report (or, for `headers`, the `["*", "authorization"]` they accept), not
    /// to resolve silently by dropping one of the two.
    pub fn add(&mut self, key: KeyId, setting: Setting) -> Result<(), SettingError> {
        if !setting.fits(key.key().kind) {
            return Err(SettingError::WrongKind {
                key,
                given: setting,
            });
        }
        let any = || String::from("*");
        let slot = &mut self.slots[key.index()];
        *slot = Some(match (slot.take(), setting) {
            (Some(Setting::Items(mut list)), Setting::Items(items)) => {
                list.extend(items);
                Setting::Items(list)
            }
            (Some(Setting::Any), Setting::Items(items)) => {
                let mut list = alloc::vec![any()];
                list.extend(items);
                Setting::Items(list)
            }
            (Some(Setting::Items(mut list)), Setting::Any) => {
                list.push(any());
                Setting::Items(list)
            }
            (_, setting) => setting,
        });
        Ok(())
    }

    /// [`Settings::add`] for the key named `name`: what configuration readers call, where the key
    /// is data.
    pub fn add_named(&mut self, name: &str, setting: Setting) -> Result<(), SettingError> {
        let key = key(name).ok_or_else(|| SettingError::UnknownKey(name.into()))?;
        self.add(key.id, setting)
    }

    /// The settings of a policy as the rules read it (each value added to an empty store).
    pub fn from_input(input: &PolicyInput<'_>) -> Self {
        let mut settings = Settings::new();
        for key in KEYS {
            let setting = match input.get(key.id) {
                Value::Absent => continue,
                Value::Any => Setting::Any,
                Value::Items(items) => Setting::Items(items.iter().map(|&s| s.into()).collect()),
                Value::Seconds(seconds) => Setting::Seconds(seconds),
                Value::On => Setting::On,
            };
            // A `PolicyInput` holds only values of its keys' kinds.
            let _ = settings.add(key.id, setting);
        }
        settings
    }

    /// Calls `f` with these settings as the [`PolicyInput`] the rules read, which borrows from
    /// them (hence a closure).
    pub fn with_input<R>(&self, f: impl FnOnce(&PolicyInput<'_>) -> R) -> R {
        let refs: [Vec<&str>; KEY_COUNT] = core::array::from_fn(|i| match &self.slots[i] {
            Some(Setting::Items(items)) => items.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        });
        let mut input = PolicyInput::new();
        for (key, slot) in KEYS.iter().zip(&self.slots) {
            let value = match slot {
                None => Value::Absent,
                Some(Setting::Any) => Value::Any,
                Some(Setting::Items(_)) => Value::Items(&refs[key.id.index()]),
                Some(Setting::Seconds(seconds)) => Value::Seconds(*seconds),
                Some(Setting::On) => Value::On,
            };
            // Every setting was checked against its key's kind when it was stored.
            input.set(key.id, value);
        }
        f(&input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn lists_add_up_and_any_with_a_list_becomes_an_entry() {
        let mut settings = Settings::new();
        settings
            .add(KeyId::Origins, Setting::Items(vec!["a".into()]))
            .unwrap();
        settings
            .add(KeyId::Origins, Setting::Items(vec!["b".into()]))
            .unwrap();
        assert_eq!(
            settings.get(KeyId::Origins),
            Some(&Setting::Items(vec!["a".into(), "b".into()]))
        );
        settings.add(KeyId::Headers, Setting::Any).unwrap();
        settings
            .add(KeyId::Headers, Setting::Items(vec!["x".into()]))
            .unwrap();
        assert_eq!(
            settings.get(KeyId::Headers),
            Some(&Setting::Items(vec!["*".into(), "x".into()]))
        );
        settings
            .add(KeyId::Expose, Setting::Items(vec!["x".into()]))
            .unwrap();
        settings.add(KeyId::Expose, Setting::Any).unwrap();
        assert_eq!(
            settings.get(KeyId::Expose),
            Some(&Setting::Items(vec!["x".into(), "*".into()]))
        );
        settings.add(KeyId::WriteOrigins, Setting::Any).unwrap();
        assert_eq!(settings.get(KeyId::WriteOrigins), Some(&Setting::Any));
        assert_eq!(
            settings.add(KeyId::MaxAge, Setting::On),
            Err(SettingError::WrongKind {
                key: KeyId::MaxAge,
                given: Setting::On
            })
        );
        assert!(matches!(
            settings.add_named("orgins", Setting::Any),
            Err(SettingError::UnknownKey(_))
        ));
        let copy = settings.with_input(Settings::from_input);
        assert_eq!(copy, settings);
    }
}
