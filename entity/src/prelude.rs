pub use super::app_user::Entity as AppUser;
