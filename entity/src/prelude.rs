pub use super::app_user::Entity as AppUser;
pub use super::holiday::Entity as Holiday;
pub use super::holiday_year::Entity as HolidayYear;
