//! The AWS Service Authorization Reference and the AWS managed policies (being built).
