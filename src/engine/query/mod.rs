//! From the user's text to a tantivy query.
//!
//! [`parser`] reads the syntax into clauses; [`builder`] analyses each clause for every language
//! field it runs against and combines them (every word must match somewhere, in any language;
//! stop words are optional; exclusions exclude, through [`exclusion`]).

pub mod builder;
pub mod cities;
pub mod concepts;
pub mod exclusion;
pub mod parser;
pub mod typos;
