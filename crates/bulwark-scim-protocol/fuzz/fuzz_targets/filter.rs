//! Fuzzes `Filter::parse`: no input panics, and a parsed filter prints a filter that parses back
//! to the same tree.

#![no_main]

use bulwark_scim_protocol::{Filter, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(filter) = Filter::parse(&text) {
        let printed = filter.to_string();
        let loose = Limits::default().with_max_length(usize::MAX);
        assert_eq!(
            Filter::parse_with(&printed, &loose),
            Ok(filter),
            "{printed}"
        );
    }
});
