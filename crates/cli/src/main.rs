//! The `iamwatch` command line.

fn main() {
    println!("iamwatch: under construction");
}
